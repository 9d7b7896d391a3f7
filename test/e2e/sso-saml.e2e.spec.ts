import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { inviteAndSetUp } from '../support/members.js';
import { assertionXml, encodeResponse, makeSigningIdentity, readAuthnRequest, responseXml, signAssertion, signResponse, type AssertionInput, type SigningIdentity } from '../support/saml-idp.js';
import { bindingCookie, pkce } from '../support/sso-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * SAML 2.0 sign-in with responses signed in the test by an identity provider's key
 * made here, and the attacks SAML service providers are known to fall for. Every
 * refusal is checked to come back to the UI as `?error=` with no code.
 */
const PUBLIC_URL = 'http://sp.test';
const RETURN_TO = 'http://ui.test/sso/done';
const PASSWORD = 'member-password-123';

interface Org {
  id: string;
  providerId: string;
  idp: SigningIdentity;
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
}

let t: TestApp;
let root: string;
let a: Org;
let b: Org;
let graceId: string;
const logLines: string[] = [];
const attacker = makeSigningIdentity('attacker.test');

async function organizationWithSaml(name: string, domain: string): Promise<Org> {
  const id = (await t.http().post('/organizations').set('Authorization', root).send({ name, timeZone: 'UTC' })).body.id as string;
  const idp = makeSigningIdentity(`idp.${domain}`);
  const idpEntityId = `https://idp.${domain}/saml`;
  const created = await t.http().post('/sso/providers').set('Authorization', root).send({
    organizationId: id,
    protocol: 'saml',
    displayName: `${name} SSO`,
    issuer: idpEntityId,
    ssoUrl: `https://idp.${domain}/sso`,
    idpCertificate: idp.certificatePem,
    allowedDomains: [domain],
    autoLinkVerifiedEmail: true,
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const view = (await t.http().get(`/sso/providers/${created.body.id}`).set('Authorization', root)).body;
  return { id, providerId: created.body.id, idp, idpEntityId, spEntityId: view.spEntityId, acsUrl: view.acsUrl };
}

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_URL, SSO_RETURN_TO_ALLOWLIST: 'http://ui.test/sso', LOG_LEVEL: 'info' }, undefined, { logLines });
  root = await t.login();
  a = await organizationWithSaml('Alpha Academy', 'alpha.test');
  b = await organizationWithSaml('Beta Business School', 'beta.test');
  graceId = await inviteAndSetUp(t, root, a.id, { email: 'grace@alpha.test', roles: ['admin'] }, PASSWORD);
  await inviteAndSetUp(t, root, a.id, { email: 'mallory@alpha.test', roles: ['instructor'] }, PASSWORD);
  await inviteAndSetUp(t, root, b.id, { email: 'bea@beta.test', roles: ['admin'] }, PASSWORD);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

/** The browser and UI of the sign-in under way: its binding cookie and PKCE verifier. */
let browser = { cookie: '', verifier: '' };

/** GET login: the AuthnRequest's id and the RelayState the response must come back with. */
async function start(org: Org) {
  const { verifier, challenge } = pkce();
  const response = await t.http().get(`/auth/sso/${org.providerId}/login`).query({ returnTo: RETURN_TO, codeChallenge: challenge });
  expect(response.status).toBe(302);
  expect(response.headers.location.startsWith(`https://idp.`)).toBe(true);
  browser = { cookie: bindingCookie(response), verifier };
  return readAuthnRequest(response.headers.location);
}

const exchange = (code: string | null, codeVerifier = browser.verifier) => t.http().post('/auth/sso/exchange').send({ code, codeVerifier });

/** What org's IdP would assert about `person` in answer to `requestId`. */
function assertion(org: Org, requestId: string, person: { nameId: string; email: string }, extra: Partial<AssertionInput> = {}): string {
  return assertionXml({ idpEntityId: org.idpEntityId, acsUrl: org.acsUrl, audience: org.spEntityId, inResponseTo: requestId, ...person, ...extra });
}

async function post(org: Org, relayState: string, response: string, cookie = browser.cookie) {
  const request = t.http().post(`/auth/sso/${org.providerId}/acs`).type('form');
  return (cookie ? request.set('Cookie', cookie) : request).send({ SAMLResponse: encodeResponse(response), RelayState: relayState });
}

/** Posts and reads where the service sent the browser: { code } or { error }. */
async function outcome(org: Org, relayState: string, response: string) {
  const answer = await post(org, relayState, response);
  expect(answer.status).toBe(302);
  const ui = new URL(answer.headers.location);
  expect(`${ui.origin}${ui.pathname}`).toBe(RETURN_TO);
  return { code: ui.searchParams.get('code'), error: ui.searchParams.get('error') };
}

const grace = { nameId: 'grace-0001', email: 'grace@alpha.test' };
const mallory = { nameId: 'mallory-0002', email: 'mallory@alpha.test' };

describe('SAML sign-in with signed responses', () => {
  test('IdP-initiated sign-in: refused by default; allowed by a provider for its own domains, it is recorded and sends the browser to start a sign-in, signing no one in', async () => {
    const unsolicited = (person: { nameId: string; email: string }) =>
      responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: null }, signAssertion(assertion(a, 'none', person, { inResponseTo: null }), a.idp));
    const refused = await post(a, 'from-the-idp-portal', unsolicited(grace), '');
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('sso-state-invalid');

    expect((await t.http().patch(`/sso/providers/${a.providerId}`).set('Authorization', root).send({ allowIdpInitiated: true })).status).toBe(200);
    try {
      const landed = await post(a, 'from-the-idp-portal', unsolicited(grace), '');
      expect(landed.status).toBe(302);
      const ui = new URL(landed.headers.location);
      expect(`${ui.origin}${ui.pathname}`).toBe('http://ui.test/sso');
      expect(ui.searchParams.get('idpInitiated')).toBe(a.providerId);
      expect(ui.searchParams.get('code')).toBeNull();
      const recorded = (await t.infra.eventStore.readStream(`organization-${a.id}`)).filter((e) => e.type === 'SsoIdpInitiatedSignInReceived');
      expect(recorded.map((e) => e.data)).toEqual([expect.objectContaining({ providerId: a.providerId, subject: grace.nameId, email: grace.email })]);

      // The same response again, an address outside the domains, a response naming a request: refused.
      const replayed = unsolicited(grace);
      await post(a, '', replayed, '');
      expect(new URL((await post(a, '', replayed, '')).headers.location).searchParams.get('error')).toBe('sso-assertion-replayed');
      const outsider = await post(a, '', unsolicited({ nameId: 'eve-1', email: 'eve@elsewhere.test' }), '');
      expect(new URL(outsider.headers.location).searchParams.get('error')).toBe('sso-email-domain-not-allowed');
      const naming = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: '_never-issued' }, signAssertion(assertion(a, '_never-issued', grace), a.idp));
      expect(new URL((await post(a, '', naming, '')).headers.location).searchParams.get('error')).toBe('sso-assertion-rejected');
    } finally {
      await t.http().patch(`/sso/providers/${a.providerId}`).set('Authorization', root).send({ allowIdpInitiated: false });
    }
  });

  test('the response must come back to the browser that started the sign-in (login CSRF)', async () => {
    const request = await start(a);
    const response = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, signAssertion(assertion(a, request.id, grace), a.idp));
    const elsewhere = await post(a, request.relayState, response, '');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.code).toBe('sso-state-invalid');
    // The right browser still finishes it, and only the UI holding the verifier swaps the code.
    const result = await outcome(a, request.relayState, response);
    expect(result.error).toBeNull();
    expect((await exchange(result.code, pkce().verifier)).body.code).toBe('sso-code-invalid');
  });

  test('a document nested 35,000 deep is refused before any XML parser reads it, with no stack trace logged', async () => {
    const request = await start(a);
    const deep = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" InResponseTo="${request.id}">${'<a>'.repeat(35_000)}${'</a>'.repeat(35_000)}</samlp:Response>`;
    const before = logLines.length;
    expect(await outcome(a, request.relayState, deep)).toEqual({ code: null, error: 'sso-assertion-rejected' });
    const logged = logLines.slice(before).join('\n');
    expect(logged).not.toMatch(/Maximum call stack|RangeError|\bat \w+ \(/);
  });

  test('a signed assertion without InResponseTo does not complete a sign-in in progress, even when the unsigned Response names the request', async () => {
    const request = await start(a);
    const unsolicited = signAssertion(assertion(a, request.id, grace, { inResponseTo: null }), a.idp);
    const response = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, unsolicited);
    expect(await outcome(a, request.relayState, response)).toEqual({ code: null, error: 'sso-assertion-rejected' });
    // An unsolicited response (IdP-initiated: no InResponseTo anywhere) is refused as well.
    const next = await start(a);
    const bare = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: null }, signAssertion(assertion(a, next.id, grace, { inResponseTo: null }), a.idp));
    expect(await outcome(a, next.relayState, bare)).toEqual({ code: null, error: 'sso-assertion-rejected' });
  });

  test('a signed Response must carry a Destination equal to the ACS URL', async () => {
    const request = await start(a);
    const withoutDestination = signResponse(
      responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id, destination: null }, signAssertion(assertion(a, request.id, grace), a.idp)),
      a.idp,
    );
    expect(await outcome(a, request.relayState, withoutDestination)).toEqual({ code: null, error: 'sso-assertion-rejected' });
    // Control: the same, with its Destination, signs in.
    const again = await start(a);
    const withDestination = signResponse(responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: again.id }, signAssertion(assertion(a, again.id, grace), a.idp)), a.idp);
    const result = await outcome(a, again.relayState, withDestination);
    expect(result.error).toBeNull();
    expect(result.code).toBeTruthy();
  });

  test("a look-alike email does not take over an account: a signed assertion for the Kelvin sign's address is not linked to kate", async () => {
    await inviteAndSetUp(t, root, a.id, { email: 'kate@alpha.test', roles: ['instructor'] }, PASSWORD);
    const request = await start(a);
    const person = { nameId: 'kelvin-0009', email: '\u212Aate@alpha.test' };
    const response = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, signAssertion(assertion(a, request.id, person), a.idp));
    expect(await outcome(a, request.relayState, response)).toEqual({ code: null, error: 'sso-account-not-linked' });
  });

  test('a member signs in with a signed assertion; SP metadata names the entity ID and ACS', async () => {
    const metadata = await t.http().get(`/auth/sso/${a.providerId}/metadata`);
    expect(metadata.status).toBe(200);
    expect(metadata.headers['content-type']).toMatch(/samlmetadata\+xml/);
    expect(metadata.text).toContain(`entityID="${a.spEntityId}"`);
    expect(metadata.text).toContain(`Location="${a.acsUrl}"`);

    const request = await start(a);
    const response = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, signAssertion(assertion(a, request.id, grace), a.idp));
    const result = await outcome(a, request.relayState, response);
    expect(result.error).toBeNull();
    const session = await exchange(result.code);
    expect(session.status).toBe(200);
    const me = await t.http().get('/auth/me').set('Authorization', `Bearer ${session.body.accessToken}`);
    expect(me.body.id).toBe(graceId);
  });

  test('a large response (group memberships and all, past the 16 kB form limit) is accepted', async () => {
    const request = await start(a);
    const groups = Array.from({ length: 400 }, (_, i) => `<saml:AttributeValue>course-section-${i}-of-the-long-list</saml:AttributeValue>`).join('');
    const big = assertion(a, request.id, grace).replace('</saml:AttributeStatement>', `<saml:Attribute Name="groups">${groups}</saml:Attribute></saml:AttributeStatement>`);
    const response = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, signAssertion(big, a.idp));
    expect(encodeResponse(response).length).toBeGreaterThan(20_000);
    expect((await outcome(a, request.relayState, response)).code).toBeTruthy();
  });

  test('an unsigned response is refused', async () => {
    const request = await start(a);
    const result = await outcome(a, request.relayState, responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, assertion(a, request.id, grace)));
    expect(result).toEqual({ code: null, error: 'sso-assertion-rejected' });
  });

  test('signature wrapping is refused: a second, unsigned assertion beside the signed one', async () => {
    for (const order of ['evil-first', 'evil-last'] as const) {
      const request = await start(a);
      const signed = signAssertion(assertion(a, request.id, mallory), a.idp);
      const evil = assertion(a, request.id, grace);
      const parts = order === 'evil-first' ? [evil, signed] : [signed, evil];
      const result = await outcome(a, request.relayState, responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, ...parts));
      expect(result).toEqual({ code: null, error: 'sso-assertion-rejected' });
    }
  });

  test('signature wrapping is refused: the signed assertion moved aside and an unsigned one in its place', async () => {
    const request = await start(a);
    const signed = signAssertion(assertion(a, request.id, mallory), a.idp);
    // The signed original hidden in an extension-like wrapper; the victim's assertion where the SP looks.
    const wrapped = signed.replace('<saml:Assertion', '<saml:Advice><saml:Assertion').replace(/<\/saml:Assertion>$/, '</saml:Assertion></saml:Advice>');
    const evil = assertion(a, request.id, grace).replace('</saml:Issuer>', `</saml:Issuer>${wrapped}`);
    const result = await outcome(a, request.relayState, responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, evil));
    expect(result).toEqual({ code: null, error: 'sso-assertion-rejected' });
  });

  test('a comment inside DigestValue is refused', async () => {
    const request = await start(a);
    const signed = signAssertion(assertion(a, request.id, grace), a.idp);
    const commented = signed.replace(/(<DigestValue>)([^<]{8})/, '$1$2<!-- -->');
    expect(commented).not.toBe(signed);
    const result = await outcome(a, request.relayState, responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, commented));
    expect(result).toEqual({ code: null, error: 'sso-assertion-rejected' });
  });

  test("the attacker's own certificate in KeyInfo is not trusted", async () => {
    const request = await start(a);
    const forged = signAssertion(assertion(a, request.id, grace), attacker);
    expect(forged).toContain(attacker.certificatePem.replace(/-----[^-]+-----|\s/g, '').slice(0, 40));
    const result = await outcome(a, request.relayState, responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, forged));
    expect(result).toEqual({ code: null, error: 'sso-assertion-rejected' });
  });

  test('a replayed response is refused, and so is a fresh response reusing an accepted assertion id', async () => {
    const first = await start(a);
    const assertionId = `_a${randomUUID().replace(/-/g, '')}`;
    const response = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: first.id }, signAssertion(assertion(a, first.id, grace, { assertionId }), a.idp));
    expect((await outcome(a, first.relayState, response)).code).toBeTruthy();

    // The same response again, even carried by a new sign-in's relay state.
    const second = await start(a);
    const replay = await post(a, first.relayState, response);
    expect(replay.status).toBe(400);
    expect(await outcome(a, second.relayState, response)).toEqual({ code: null, error: 'sso-assertion-rejected' });

    // A correctly signed answer to a new request, with the id of an assertion already used.
    const third = await start(a);
    const reused = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: third.id }, signAssertion(assertion(a, third.id, grace, { assertionId }), a.idp));
    expect(await outcome(a, third.relayState, reused)).toEqual({ code: null, error: 'sso-assertion-replayed' });
  });

  test("organization A's identity provider cannot sign anyone into organization B", async () => {
    const request = await start(b);
    // Everything addressed to B, but signed with A's IdP key (A's IdP admin going rogue).
    const crafted = assertionXml({ idpEntityId: b.idpEntityId, acsUrl: b.acsUrl, audience: b.spEntityId, inResponseTo: request.id, nameId: 'bea-1', email: 'bea@beta.test' });
    const result = await outcome(b, request.relayState, responseXml({ idpEntityId: b.idpEntityId, acsUrl: b.acsUrl, inResponseTo: request.id }, signAssertion(crafted, a.idp)));
    expect(result).toEqual({ code: null, error: 'sso-assertion-rejected' });

    // A genuine response for A posted to B's ACS.
    const forA = await start(a);
    const genuine = responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: forA.id }, signAssertion(assertion(a, forA.id, grace), a.idp));
    const towardB = await start(b);
    expect(await outcome(b, towardB.relayState, genuine)).toEqual({ code: null, error: 'sso-assertion-rejected' });
    // With A's relay state at B's ACS it is not even read.
    expect((await post(b, forA.relayState, genuine)).status).toBe(400);
  });

  test.each([
    ['another audience', { audience: 'https://other-sp.test/metadata' }],
    ['another recipient', { acsUrl: 'https://other-sp.test/acs' }],
    ['an expired assertion', { notBefore: new Date(Date.now() - 3_600_000), notOnOrAfter: new Date(Date.now() - 1_800_000) }],
    ['an assertion not valid yet', { notBefore: new Date(Date.now() + 1_800_000), notOnOrAfter: new Date(Date.now() + 3_600_000) }],
    ['another issuer', { idpEntityId: 'https://idp.elsewhere.test/saml' }],
  ])('a signed assertion for %s is refused', async (_name, extra) => {
    const request = await start(a);
    const result = await outcome(a, request.relayState, responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, signAssertion(assertion(a, request.id, grace, extra), a.idp)));
    expect(result).toEqual({ code: null, error: 'sso-assertion-rejected' });
  });

  test('an answer to a request this service never made is refused', async () => {
    const request = await start(a);
    const result = await outcome(a, request.relayState, responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: '_never-sent' }, signAssertion(assertion(a, '_never-sent', grace), a.idp)));
    expect(result).toEqual({ code: null, error: 'sso-assertion-rejected' });
  });

  test('deactivation, a pending setup and arrears refuse an SSO sign-in exactly as they refuse a password', async () => {
    const signInAs = async (person: { nameId: string; email: string }) => {
      const request = await start(a);
      return outcome(a, request.relayState, responseXml({ idpEntityId: a.idpEntityId, acsUrl: a.acsUrl, inResponseTo: request.id }, signAssertion(assertion(a, request.id, person), a.idp)));
    };
    const password = (email: string) => t.http().post('/auth/login').send({ email, password: PASSWORD });

    const pending = await t.http().post(`/organizations/${a.id}/users`).set('Authorization', root).send({ email: 'pat@alpha.test', firstName: 'Pat', lastName: 'Pending', roles: ['instructor'] });
    expect(pending.status).toBe(201);
    expect(await signInAs({ nameId: 'pat-3', email: 'pat@alpha.test' })).toEqual({ code: null, error: 'invalid-credentials' });

    const malloryId = (await t.http().get(`/organizations/${a.id}/users`).query({ search: 'mallory' }).set('Authorization', root)).body.items[0].id;
    await t.http().post(`/organizations/${a.id}/users/${malloryId}/deactivate`).set('Authorization', root).send({});
    expect((await password('mallory@alpha.test')).body.code).toBe('account-deactivated');
    expect(await signInAs(mallory)).toEqual({ code: null, error: 'account-deactivated' });

    // A code issued before the organization went into arrears no longer buys a session.
    const early = await signInAs(grace);
    const earlyVerifier = browser.verifier;
    expect(early.code).toBeTruthy();
    expect((await t.http().post(`/organizations/${a.id}/arrears`).set('Authorization', root)).status).toBe(200);
    try {
      expect((await password('grace@alpha.test')).body.code).toBe('organization-suspended');
      expect(await signInAs(grace)).toEqual({ code: null, error: 'organization-suspended' });
      const late = await exchange(early.code, earlyVerifier);
      expect([late.status, late.body.code]).toEqual([401, 'organization-suspended']);
    } finally {
      await t.http().delete(`/organizations/${a.id}/arrears`).set('Authorization', root);
    }
    expect((await signInAs(grace)).code).toBeTruthy();
  });
});
