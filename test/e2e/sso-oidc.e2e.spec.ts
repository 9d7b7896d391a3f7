import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { organizationStreamName } from '#domain';
import { inviteAndSetUp } from '../support/members.js';
import { freePort } from '../support/net.js';
import { signInAtProvider, startOidcProvider } from '../support/oidc-provider.js';
import { bindingCookie, pkce } from '../support/sso-client.js';
import { withClockAhead } from '../support/clock.js';
import { recordResponses, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * OpenID Connect sign-in against a real OpenID provider (`oidc-provider`) on loopback:
 * the service discovers it, sends the browser there with PKCE, state and nonce, and
 * redeems the code itself. The provider's token answers can be altered (and re-signed
 * with its own key) to play a provider that sends the wrong issuer, audience or time.
 */
const PUBLIC_URL = 'http://sp.test';
const RETURN_TO = 'http://ui.test/sso/done';
const CLIENT_SECRET = 'oidc-client-secret-4f1c9a7e2b';
const PASSWORD = 'member-password-123';

let t: TestApp;
let op: Awaited<ReturnType<typeof startOidcProvider>>;
let root: string;
let orgId: string;
let providerId: string;
let adaId: string;
let kateId: string;
const logLines: string[] = [];
let responses: string[];

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_URL, SSO_RETURN_TO_ALLOWLIST: 'http://ui.test/sso', LOG_LEVEL: 'debug' }, undefined, { logLines });
  responses = recordResponses(t);
  root = await t.login();
  orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Springfield High', timeZone: 'UTC' })).body.id;
  adaId = await inviteAndSetUp(t, root, orgId, { email: 'ada@school.test', roles: ['instructor'] }, PASSWORD);
  await inviteAndSetUp(t, root, orgId, { email: 'cy@school.test', roles: ['instructor'] }, PASSWORD);
  await inviteAndSetUp(t, root, orgId, { email: 'dee@school.test', roles: ['instructor'] }, PASSWORD);
  kateId = await inviteAndSetUp(t, root, orgId, { email: 'kate@school.test', roles: ['instructor'] }, PASSWORD);
  const port = await freePort();
  const created = await t.http().post('/sso/providers').set('Authorization', root).send({
    organizationId: orgId,
    protocol: 'oidc',
    displayName: 'Springfield Accounts',
    issuer: `http://127.0.0.1:${port}`,
    clientId: 'springfield-lms',
    clientSecret: CLIENT_SECRET,
    scopes: 'openid\nemail',
    allowedDomains: 'school.test',
    autoLinkVerifiedEmail: true,
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  providerId = created.body.id;
  op = await startOidcProvider({
    port,
    clientId: 'springfield-lms',
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${PUBLIC_URL}/auth/sso/${providerId}/callback`],
    accounts: {
      'ada-sub': { email: 'ada@school.test', email_verified: true },
      'bob-sub': { email: 'bob@elsewhere.test', email_verified: true },
      'cy-sub': { email: 'cy@school.test', email_verified: false },
      'dee-sub': { email: 'dee@school.test', email_verified: true },
      // U+212A KELVIN SIGN: another account at the provider, which toLowerCase() and NFC turn into kate's.
      'kelvin-sub': { email: '\u212Aate@school.test', email_verified: true },
    },
  });
});

afterAll(async () => {
  await op?.close();
  await t?.close();
});

/** The browser and UI of the sign-in under way: its binding cookie and PKCE verifier. */
let browser = { cookie: '', verifier: '' };

/** GET /auth/sso/:id/login: the redirect to the identity provider (and the binding cookie). */
async function startLogin(id = providerId): Promise<string> {
  const { verifier, challenge } = pkce();
  const response = await t.http().get(`/auth/sso/${id}/login`).query({ returnTo: RETURN_TO, codeChallenge: challenge });
  expect(response.status).toBe(302);
  browser = { cookie: bindingCookie(response), verifier };
  return response.headers.location;
}

/** Delivers the provider's redirect to the service's callback, from the browser that started; returns where the service sends it. */
async function deliver(callback: URL, cookie = browser.cookie) {
  expect(`${callback.origin}${callback.pathname}`).toBe(`${PUBLIC_URL}/auth/sso/${providerId}/callback`);
  const request = t.http().get(`${callback.pathname}${callback.search}`);
  return cookie ? request.set('Cookie', cookie) : request;
}

/** A whole sign-in as `account`; the UI URL the service returns to. */
async function signIn(account: string, alter: (authorizationUrl: URL) => void = () => {}): Promise<URL> {
  const authorizationUrl = new URL(await startLogin());
  expect(authorizationUrl.origin).toBe(op.issuer);
  alter(authorizationUrl);
  const back = await deliver(await signInAtProvider(op.issuer, authorizationUrl.toString(), account));
  expect(back.status).toBe(302);
  const ui = new URL(back.headers.location);
  expect(`${ui.origin}${ui.pathname}`).toBe(RETURN_TO);
  return ui;
}

async function exchange(code: string, codeVerifier: string | undefined = browser.verifier) {
  return t.http().post('/auth/sso/exchange').send({ code, codeVerifier });
}

describe('OIDC sign-in through a real OpenID provider', () => {
  test('a member signs in: PKCE, state and nonce go out, a one-time code comes back and becomes a session', async () => {
    const authorizationUrl = new URL(await startLogin());
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('code_challenge')).toBeTruthy();
    expect(authorizationUrl.searchParams.get('state')).toBeTruthy();
    expect(authorizationUrl.searchParams.get('nonce')).toBeTruthy();
    expect(authorizationUrl.searchParams.get('scope')).toBe('openid email');

    const ui = await signIn('ada-sub');
    const code = ui.searchParams.get('code')!;
    expect(ui.searchParams.get('error')).toBeNull();
    const session = await exchange(code);
    expect(session.status).toBe(200);
    expect(session.body).toEqual(expect.objectContaining({ accessToken: expect.any(String), expiresAt: expect.any(String) }));
    const me = await t.http().get('/auth/me').set('Authorization', `Bearer ${session.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(adaId);

    // Auto-link recorded the identity (provider, subject) once; the next sign-in uses the link.
    const links = async () => (await t.infra.eventStore.readStream(organizationStreamName(orgId))).filter((e) => e.type === 'SsoIdentityLinked');
    expect((await links()).map((e) => e.data)).toEqual([expect.objectContaining({ providerId, subject: 'ada-sub', userId: adaId })]);
    const again = await signIn('ada-sub');
    expect((await exchange(again.searchParams.get('code')!)).status).toBe(200);
    expect(await links()).toHaveLength(1);

    // The code is good once.
    const reused = await exchange(code);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('sso-code-invalid');
  });

  test("a look-alike email does not take over an account: the Kelvin sign's identity is not linked to kate; an admin can link it by hand", async () => {
    const refused = await signIn('kelvin-sub');
    expect(refused.searchParams.get('error')).toBe('sso-account-not-linked');
    expect(refused.searchParams.get('code')).toBeNull();
    expect((await t.infra.eventStore.readStream(organizationStreamName(orgId))).filter((e) => e.type === 'SsoIdentityLinked' && (e.data as { userId: string }).userId === kateId)).toEqual([]);

    // An admin who checked who it is links the identity; from then on the subject signs in, not the email.
    const linked = await t.http().post(`/organizations/${orgId}/users/${kateId}/sso-identities`).set('Authorization', root).send({ providerId, subject: 'kelvin-sub' });
    expect(linked.status).toBe(200);
    const ui = await signIn('kelvin-sub');
    const session = await exchange(ui.searchParams.get('code')!);
    expect((await t.http().get('/auth/me').set('Authorization', `Bearer ${session.body.accessToken}`)).body.id).toBe(kateId);
    const link = (await t.infra.eventStore.readStream(organizationStreamName(orgId))).find((e) => e.type === 'SsoIdentityLinked' && (e.data as { subject: string }).subject === 'kelvin-sub')!;
    expect(link.metadata).toMatchObject({ actorKind: 'superAdmin', actorEmail: 'root@platform.test' });
    const again = await t.http().post(`/organizations/${orgId}/users/${adaId}/sso-identities`).set('Authorization', root).send({ providerId, subject: 'kelvin-sub' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('sso-identity-already-linked');
  });

  test('a bad state is refused before anything else', async () => {
    const authorizationUrl = new URL(await startLogin());
    const callback = await signInAtProvider(op.issuer, authorizationUrl.toString(), 'ada-sub');
    callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const response = await deliver(callback);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('sso-state-invalid');
    expect(response.headers.location).toBeUndefined();
  });

  test('a nonce other than the one sent is refused', async () => {
    const ui = await signIn('ada-sub', (url) => url.searchParams.set('nonce', 'attacker-chosen-nonce'));
    expect(ui.searchParams.get('code')).toBeNull();
    expect(ui.searchParams.get('error')).toBe('sso-token-rejected');
  });

  test('control: a token re-signed with its claims unchanged is accepted (so the refusals below are about the claims)', async () => {
    op.tamperNextIdToken((claims) => claims);
    const ui = await signIn('ada-sub');
    expect(ui.searchParams.get('error')).toBeNull();
    expect((await exchange(ui.searchParams.get('code')!)).status).toBe(200);
  });

  test.each([
    ['a wrong issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'http://127.0.0.1:1/evil' })],
    ['a wrong audience', (c: Record<string, unknown>) => ({ ...c, aud: 'some-other-client' })],
    ['an expired token', (c: Record<string, unknown>) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })],
  ])('an ID token with %s is refused, although the provider signed it', async (_name, change) => {
    op.tamperNextIdToken(change);
    const ui = await signIn('ada-sub');
    expect(ui.searchParams.get('code')).toBeNull();
    expect(ui.searchParams.get('error')).toBe('sso-token-rejected');
  });

  test.each([
    ['under the kid of its real key', 'test-key'],
    ['under a kid the provider never published', 'attacker-key'],
  ])('an ID token signed with a key not in the provider\'s JWKS is refused (%s)', async (_label, kid) => {
    await op.signNextIdTokenWithForeignKey(kid);
    const ui = await signIn('ada-sub');
    expect(ui.searchParams.get('code')).toBeNull();
    expect(ui.searchParams.get('error')).toBe('sso-token-rejected');
  });

  test('a rotated key is fetched once the cached key set is a minute old: tokens it signs are accepted', async () => {
    // The JWKS is cached; within a minute an unknown kid is refused without asking again.
    await op.rotateKey('rotated-key');
    op.resignNextIdToken();
    const early = await signIn('ada-sub');
    expect(early.searchParams.get('error')).toBe('sso-token-rejected');
    // A minute later the unknown kid makes the client fetch the key set again.
    await withClockAhead(61_000, async () => {
      op.resignNextIdToken();
      const ui = await signIn('ada-sub');
      expect(ui.searchParams.get('error')).toBeNull();
      expect((await exchange(ui.searchParams.get('code')!)).status).toBe(200);
    });
  });

  test('an email outside the allowed domains is refused', async () => {
    const ui = await signIn('bob-sub');
    expect(ui.searchParams.get('error')).toBe('sso-email-domain-not-allowed');
  });

  test("the organization's IP restrictions hold for single sign-on too: a browser from outside is sent back with ip-not-allowed", async () => {
    // This test's requests come from loopback; a super admin (exempt) sets a range elsewhere.
    const restrict = (ranges: string[]) => t.http().put(`/organizations/${orgId}/ip-restrictions`).set('Authorization', root).send({ ranges });
    expect((await restrict(['192.0.2.0/24'])).status).toBe(200);
    try {
      const ui = await signIn('ada-sub');
      expect([ui.searchParams.get('error'), ui.searchParams.get('code')]).toEqual(['ip-not-allowed', null]);
    } finally {
      expect((await restrict([])).status).toBe(200);
    }
    expect((await signIn('ada-sub')).searchParams.get('code')).toBeTruthy();
  });

  test('an unverified email is refused, even when it matches a member', async () => {
    const ui = await signIn('cy-sub');
    expect(ui.searchParams.get('error')).toBe('sso-email-not-verified');
  });

  test('a disabled provider is refused at the start and at the callback of a sign-in already under way', async () => {
    const underway = new URL(await startLogin());
    const callback = await signInAtProvider(op.issuer, underway.toString(), 'ada-sub');
    expect((await t.http().patch(`/sso/providers/${providerId}`).set('Authorization', root).send({ enabled: false })).status).toBe(200);
    try {
      const late = await deliver(callback);
      expect(new URL(late.headers.location).searchParams.get('error')).toBe('sso-provider-disabled');
      const refused = await t.http().get(`/auth/sso/${providerId}/login`).query({ returnTo: RETURN_TO, codeChallenge: pkce().challenge });
      expect(refused.status).toBe(302);
      expect(new URL(refused.headers.location).searchParams.get('error')).toBe('sso-provider-disabled');
    } finally {
      await t.http().patch(`/sso/providers/${providerId}`).set('Authorization', root).send({ enabled: true });
    }
  });

  test('without auto-link, a verified email alone signs no one in', async () => {
    await t.http().patch(`/sso/providers/${providerId}`).set('Authorization', root).send({ autoLinkVerifiedEmail: false });
    try {
      const ui = await signIn('dee-sub');
      expect(ui.searchParams.get('error')).toBe('sso-account-not-linked');
      // Ada's identity was linked earlier: it still signs her in.
      const ada = await signIn('ada-sub');
      expect((await exchange(ada.searchParams.get('code')!)).status).toBe(200);
    } finally {
      await t.http().patch(`/sso/providers/${providerId}`).set('Authorization', root).send({ autoLinkVerifiedEmail: true });
    }
  });

  test('a sign-in is bound to the browser that started it: another browser cannot finish it, nor use it up', async () => {
    const authorizationUrl = new URL(await startLogin());
    const started = browser;
    const callback = await signInAtProvider(op.issuer, authorizationUrl.toString(), 'ada-sub');
    // The attacker's browser (no cookie, or its own from another login) is refused.
    const noCookie = await deliver(callback, '');
    expect(noCookie.status).toBe(400);
    expect(noCookie.body.code).toBe('sso-state-invalid');
    await startLogin();
    const otherCookie = await deliver(callback, browser.cookie);
    expect(otherCookie.body.code).toBe('sso-state-invalid');
    // The browser that started it still finishes it: the refusals used nothing up.
    browser = started;
    const back = await deliver(callback);
    expect(back.status).toBe(302);
    const code = new URL(back.headers.location).searchParams.get('code')!;
    expect(String(back.headers['set-cookie'])).toMatch(/__Host-sso-binding=;/);
    // The code works only with the verifier of the UI that started it.
    expect((await exchange(code, pkce().verifier)).body.code).toBe('sso-code-invalid');
    expect((await exchange(code)).body.code).toBe('sso-code-invalid'); // a wrong try used it up
  });

  test('the code is swapped only with the PKCE verifier; login needs a challenge; the cookie is HttpOnly, Secure, __Host-, SameSite=None', async () => {
    const { challenge } = pkce();
    const login = await t.http().get(`/auth/sso/${providerId}/login`).query({ returnTo: RETURN_TO, codeChallenge: challenge });
    const cookie = (login.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-sso-binding='))!;
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=None/);
    expect(cookie).not.toMatch(/Domain=/);
    const missing = await t.http().get(`/auth/sso/${providerId}/login`).query({ returnTo: RETURN_TO });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ field: 'codeChallenge', message: 'codeChallenge must be 43 base64url characters (S256)' }]);
    const ui = await signIn('ada-sub');
    const code = ui.searchParams.get('code')!;
    expect((await exchange(code)).status).toBe(200);
  });

  test('returnTo must be on the allow-list', async () => {
    for (const returnTo of ['http://evil.test/sso/done', 'http://ui.test/other', 'javascript:alert(1)', '']) {
      const response = await t.http().get(`/auth/sso/${providerId}/login`).query({ returnTo });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'validation-failed', errors: [expect.objectContaining({ field: 'returnTo' })] });
    }
  });

  test('no response, log line or event contains the client secret; blank keeps it, a new one replaces it', async () => {
    const events = JSON.stringify(await t.infra.eventStore.readStream(organizationStreamName(orgId)));
    const everything = [...responses, ...logLines, events];
    // The search is over real output: the sign-ins above answered, logged their refusals and stored their events.
    expect(responses.length).toBeGreaterThan(30);
    expect(logLines.some((line) => line.includes('SSO sign-in refused'))).toBe(true);
    expect(events).toContain('clientSecretCiphertext');
    for (const text of everything) expect(text).not.toContain(CLIENT_SECRET);

    // Blank on edit keeps the secret: sign-in still works after it.
    expect((await t.http().patch(`/sso/providers/${providerId}`).set('Authorization', root).send({ clientSecret: '', displayName: 'Springfield SSO' })).status).toBe(200);
    const kept = await signIn('ada-sub');
    expect((await exchange(kept.searchParams.get('code')!)).status).toBe(200);
    // A new secret replaces it: the provider now refuses the old one, so the sign-in fails at the token endpoint.
    expect((await t.http().patch(`/sso/providers/${providerId}`).set('Authorization', root).send({ clientSecret: 'a-different-secret' })).status).toBe(200);
    const replaced = await signIn('ada-sub');
    expect(replaced.searchParams.get('error')).toBe('sso-token-rejected');
    expect((await t.http().patch(`/sso/providers/${providerId}`).set('Authorization', root).send({ clientSecret: CLIENT_SECRET })).status).toBe(200);
    for (const text of [...responses, ...logLines]) expect(text).not.toContain('a-different-secret');
  });

  test('deleting the provider removes its identity links, and no one signs in through it any more', async () => {
    const underway = new URL(await startLogin());
    const callback = await signInAtProvider(op.issuer, underway.toString(), 'ada-sub');
    const removed = await t.http().delete(`/sso/providers/${providerId}`).set('Authorization', root);
    expect(removed.status).toBe(200);
    const events = await t.infra.eventStore.readStream(organizationStreamName(orgId));
    expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'SsoProviderRemoved', data: expect.objectContaining({ providerId, unlinkedUserIds: expect.arrayContaining([adaId, kateId]) }) }));
    const late = await deliver(callback);
    expect(new URL(late.headers.location).searchParams.get('error')).toBe('sso-provider-not-found');
    const login = await t.http().get(`/auth/sso/${providerId}/login`).query({ returnTo: RETURN_TO, codeChallenge: pkce().challenge });
    expect(new URL(login.headers.location).searchParams.get('error')).toBe('sso-provider-not-found');
    expect((await t.http().get(`/sso/providers/${providerId}`).set('Authorization', root)).status).toBe(404);
    expect((await t.http().get('/sso/providers').query({ organizationId: orgId }).set('Authorization', root)).body.items).toEqual([]);
    // Her password still works: the organization does not require SSO any more.
    expect((await t.http().post('/auth/login').send({ email: 'ada@school.test', password: PASSWORD })).status).toBe(200);
  });
});
