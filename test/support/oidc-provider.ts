import { createServer, type Server, type ServerResponse } from 'node:http';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import Provider from 'oidc-provider';
import { freePort } from './net.js';

/** A person at the identity provider: the `sub` is the account id. */
export interface OidcAccount {
  email: string;
  email_verified: boolean;
}

/**
 * A real OpenID provider (`oidc-provider`) on loopback, with its development login
 * form. `tamperIdToken` lets a test replace claims of the next ID token the token
 * endpoint returns, re-signed with the provider's own key: what a malicious or
 * misconfigured provider could send (wrong issuer, audience, expired).
 */
export async function startOidcProvider(options: { port?: number; clientId: string; clientSecret: string; redirectUris: string[]; accounts: Record<string, OidcAccount> }) {
  const port = options.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // Claims in the ID token itself, as many enterprise providers send them.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['oidc-test-cookie-key'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
    async findAccount(_ctx, id) {
      const account = options.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider error', error));
  const handler = provider.callback();
  let tamper: ((claims: Record<string, unknown>) => Record<string, unknown>) | null = null;
  // The key the next tampered token is signed with, and the keys /jwks publishes
  // (the provider's own, plus any a rotation added).
  let signer: { key: CryptoKey; kid: string } = { key: privateKey, kid: 'test-key' };
  let foreignOnce: { key: CryptoKey; kid: string } | null = null;
  const published: JWK[] = [];

  const server: Server = createServer((req, res) => {
    if (published.length && req.method === 'GET' && req.url?.startsWith('/jwks')) {
      rewriteTokenResponse(res, async (body) => JSON.stringify({ keys: [...(JSON.parse(body) as { keys: JWK[] }).keys, ...published] }));
    }
    if (tamper && req.method === 'POST' && req.url?.startsWith('/token')) {
      const change = tamper;
      const { key, kid } = foreignOnce ?? signer;
      foreignOnce = null;
      tamper = null;
      rewriteTokenResponse(res, async (body) => {
        const tokens = JSON.parse(body) as { id_token?: string };
        if (!tokens.id_token) return body;
        const claims = change({ ...decodeJwt(tokens.id_token) });
        tokens.id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
        return JSON.stringify(tokens);
      });
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    issuer,
    accounts: options.accounts,
    /** Replaces claims in the next ID token (once), re-signed with the current signing key. */
    tamperNextIdToken(change: (claims: Record<string, unknown>) => Record<string, unknown>) {
      tamper = change;
    },
    /** Signs the next ID token with a key the provider never published (an attacker's), under `kid`. */
    async signNextIdTokenWithForeignKey(kid: string) {
      const { privateKey: foreign } = await generateKeyPair('RS256', { extractable: true });
      foreignOnce = { key: foreign as CryptoKey, kid };
      tamper = (claims) => claims;
    },
    /** Rotates: a new key is published in /jwks and signs the tokens from now on. */
    async rotateKey(kid: string) {
      const { privateKey: next, publicKey } = await generateKeyPair('RS256', { extractable: true });
      published.push({ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' });
      signer = { key: next as CryptoKey, kid };
    },
    /** Signs the next ID token with the current signing key, claims unchanged. */
    resignNextIdToken() {
      tamper = (claims) => claims;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Buffers what the provider writes, lets `change` rewrite it, then sends it. */
function rewriteTokenResponse(res: ServerResponse, change: (body: string) => Promise<string>): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  res.write = ((chunk: unknown) => {
    if (chunk) chunks.push(Buffer.from(chunk as string));
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
    void change(Buffer.concat(chunks).toString('utf8')).then((body) => {
      res.removeHeader('content-length');
      res.setHeader('content-length', Buffer.byteLength(body));
      write(body);
      end();
    });
    return res;
  }) as typeof res.end;
}

/** A browser's cookie jar, just enough for the provider's login form. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  async get(url: string): Promise<Response> {
    return this.request(url, { method: 'GET' });
  }

  async postForm(url: string, form: Record<string, string>): Promise<Response> {
    return this.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  }
}

/**
 * Follows the provider's redirects from an authorization URL, signing in as `accountId`
 * on its login form and consenting, until it redirects away from the provider. Returns
 * that final URL (the service's callback).
 */
export async function signInAtProvider(issuer: string, authorizationUrl: string, accountId: string): Promise<URL> {
  const browser = new Browser();
  let url = authorizationUrl;
  for (let hops = 0; hops < 20; hops++) {
    if (!url.startsWith(issuer)) return new URL(url);
    let response = await browser.get(url);
    if (response.status === 200) {
      const page = await response.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      if (!prompt) throw new Error(`unexpected page at ${url}: ${page.slice(0, 300)}`);
      const action = new URL(url).pathname;
      response = await browser.postForm(new URL(action, issuer).toString(), prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt });
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`provider answered ${response.status} at ${url}: ${(await response.text()).slice(0, 300)}`);
    url = new URL(location, url).toString();
  }
  throw new Error('too many redirects at the provider');
}
