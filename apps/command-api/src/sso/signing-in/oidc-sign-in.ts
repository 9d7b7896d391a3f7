import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import type { SsoProvider } from '#domain';
import type { AppConfig } from '#runtime';
import type { SecretBox } from '#runtime';
import { APP_CONFIG, SECRET_BOX } from '../../shared/tokens.js';
import { serviceProviderUrls } from '../sso-providers.js';
import { refuse, type VerifiedIdentity } from './sso-sign-in.service.js';

/** A sign-in waiting for the identity provider, under its `state`. */
export interface PendingOidcSignIn {
  providerId: string;
  returnTo: string;
  nonce: string;
  codeVerifier: string;
}

const DISCOVERY_TTL_MS = 10 * 60_000;

/**
 * OpenID Connect through `openid-client`: authorization code with PKCE (S256), `state`
 * and `nonce`. The library checks the ID token's issuer, audience, expiry and nonce,
 * and, because non-repudiation checks are enabled on each configuration, its signature
 * against the issuer's JWKS; this class adds caching of the discovery document and the
 * reading of the claims the service needs.
 */
@Injectable()
export class OidcSignIn {
  private readonly configurations = new Map<string, { key: string; at: number; configuration: Promise<oidc.Configuration> }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  /** The URL to send the browser to, and what must come back with it. */
  async start(provider: SsoProvider, returnTo: string): Promise<{ url: URL; state: string; pending: PendingOidcSignIn }> {
    const configuration = await this.configuration(provider);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: serviceProviderUrls(this.config, provider.id).redirectUri,
      response_type: 'code',
      scope: provider.scopes.join(' '),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, state, pending: { providerId: provider.id, returnTo, nonce, codeVerifier } };
  }

  /** Redeems the code and returns who signed in; any failed check is a refusal. */
  async finish(provider: SsoProvider, callbackQuery: string, pending: PendingOidcSignIn, state: string): Promise<VerifiedIdentity> {
    const configuration = await this.configuration(provider);
    const currentUrl = new URL(`${serviceProviderUrls(this.config, provider.id).redirectUri}?${callbackQuery}`);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw refuse('sso-token-rejected', `The identity provider's answer was refused: ${describe(error)}`);
    }
    const claims = tokens.claims();
    if (!claims?.sub) throw refuse('sso-token-rejected', 'The ID token names no subject');
    let email = typeof claims.email === 'string' ? claims.email : null;
    let verified = claims.email_verified === true;
    // Many providers put the email in the UserInfo response only.
    if (!email && provider.scopes.includes('email')) {
      try {
        const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        email = typeof info.email === 'string' ? info.email : null;
        verified = info.email_verified === true;
      } catch (error) {
        throw refuse('sso-token-rejected', `The identity provider's UserInfo was refused: ${describe(error)}`);
      }
    }
    return { subject: claims.sub, email, emailVerified: verified };
  }

  /** Discovery, cached per provider; a changed issuer, client or secret discovers again. */
  private configuration(provider: SsoProvider): Promise<oidc.Configuration> {
    const key = [provider.issuer, provider.clientId, provider.clientSecretCiphertext].join('\n');
    const cached = this.configurations.get(provider.id);
    if (cached && cached.key === key && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.configuration;
    const issuer = new URL(provider.issuer);
    const configuration = oidc
      .discovery(issuer, provider.clientId!, undefined, oidc.ClientSecretBasic(this.secrets.open(provider.clientSecretCiphertext!)), {
        // The decider accepts plain http for a loopback issuer only (an identity provider on this machine, as in tests).
        execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        timeout: 10,
      })
      .then((discovered) => {
        // openid-client 6 checks an ID token's signature only when asked: without this,
        // a token signed with any key was accepted. It verifies against the issuer's
        // JWKS (oauth4webapi's cache: an unknown kid fetches the set again once it is a
        // minute old, and the set is dropped after five).
        oidc.enableNonRepudiationChecks(discovered);
        return discovered;
      })
      .catch((error: unknown) => {
        this.configurations.delete(provider.id);
        throw refuse('sso-provider-unreachable', `The identity provider's discovery failed: ${describe(error)}`);
      });
    this.configurations.set(provider.id, { key, at: Date.now(), configuration });
    return configuration;
  }
}

/** The library's reason, without anything that could carry a token or a secret. */
function describe(error: unknown): string {
  const e = error as { code?: string; message?: string; error?: string };
  return [e.code, e.error, e.message].filter(Boolean).join(': ').slice(0, 300) || 'unknown error';
}
