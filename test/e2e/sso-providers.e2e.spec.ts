import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { organizationStreamName } from '#domain';
import { inviteAndSetUp } from '../support/members.js';
import { makeSigningIdentity } from '../support/saml-idp.js';
import { SUPERADMIN, startTestApp, type TestApp } from '../support/test-app.js';

/** Provider configuration by super admins (guide: Enterprise SSO Management) and the Require SSO policy. */
const PASSWORD = 'member-password-123';
let t: TestApp;
let root: string;
let orgId: string;
let otherOrgId: string;

const oidc = (overrides: Record<string, unknown> = {}) => ({
  organizationId: orgId,
  protocol: 'oidc',
  displayName: 'School Accounts',
  issuer: 'https://accounts.school.test',
  clientId: 'lms',
  clientSecret: 'first-secret-value',
  scopes: 'openid, email,profile',
  ...overrides,
});

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_URL: 'https://api.school.test' });
  root = await t.login();
  orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Policy School', timeZone: 'UTC' })).body.id;
  otherOrgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Other School', timeZone: 'UTC' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'member@school.test', roles: ['admin'] }, PASSWORD);
  await inviteAndSetUp(t, root, otherOrgId, { email: 'member@other.test', roles: ['admin'] }, PASSWORD);
});
afterAll(async () => {
  await t.close();
});

const create = (body: Record<string, unknown>) => t.http().post('/sso/providers').set('Authorization', root).send(body);
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

describe('SSO providers', () => {
  test('IdP-initiated sign-in is SAML only and needs the provider\'s own domains', async () => {
    const oidcWith = await create(oidc({ allowIdpInitiated: true }));
    expect(oidcWith.status).toBe(400);
    expect(oidcWith.body.errors).toEqual([{ field: 'allowIdpInitiated', message: 'IdP-initiated sign-in exists for SAML providers only' }]);
  });

  test('an OIDC provider needs a name, an https issuer, a client id, a secret and scopes with openid', async () => {
    const empty = await create({ organizationId: orgId, protocol: 'oidc' });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('validation-failed');
    expect(fieldsOf(empty.body)).toEqual(['clientId', 'clientSecret', 'displayName', 'issuer', 'scopes']);

    const noOpenid = await create(oidc({ scopes: 'email\nprofile' }));
    expect(noOpenid.body.errors).toEqual([{ field: 'scopes', message: 'scopes must include openid' }]);
    const plainHttp = await create(oidc({ issuer: 'http://accounts.school.test' }));
    expect(fieldsOf(plainHttp.body)).toEqual(['issuer']);
    const badDomain = await create(oidc({ allowedDomains: 'school.test\nnot a domain' }));
    expect(fieldsOf(badDomain.body)).toEqual(['allowedDomains']);
    const unknownOrg = await create(oidc({ organizationId: '00000000-0000-4000-8000-000000000000' }));
    expect(unknownOrg.status).toBe(404);
    const badProtocol = await create(oidc({ protocol: 'ldap' }));
    expect(badProtocol.status).toBe(400);
  });

  test('the list shows the guide\'s columns, "Any verified email" without domains, and never the secret', async () => {
    const created = await create(oidc());
    expect(created.status).toBe(201);
    const withDomains = await create(oidc({ displayName: 'Staff Accounts', allowedDomains: ['@School.test', 'staff.school.test'], enabled: false }));
    const list = await t.http().get('/sso/providers').query({ organizationId: orgId }).set('Authorization', root);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    const [school, staff] = list.body.items;
    expect(school).toEqual(
      expect.objectContaining({
        id: created.body.id,
        organizationId: orgId,
        displayName: 'School Accounts',
        protocol: 'oidc',
        issuer: 'https://accounts.school.test',
        allowedDomains: [],
        domains: 'Any verified email',
        enabled: true,
        status: 'Active',
        requireSso: false,
        autoLinkVerifiedEmail: false,
        scopes: ['openid', 'email', 'profile'],
        redirectUri: `https://api.school.test/auth/sso/${created.body.id}/callback`,
      }),
    );
    expect(staff).toEqual(expect.objectContaining({ id: withDomains.body.id, allowedDomains: ['school.test', 'staff.school.test'], domains: 'school.test, staff.school.test', status: 'Disabled' }));
    expect(JSON.stringify(list.body)).not.toContain('first-secret-value');
    expect(JSON.stringify(list.body)).not.toMatch(/clientSecret"/);

    // Every organization's providers without the filter; another organization's are not in this one's list.
    const all = await t.http().get('/sso/providers').set('Authorization', root);
    expect(all.body.total).toBe(2);
    expect((await t.http().get('/sso/providers').query({ organizationId: otherOrgId }).set('Authorization', root)).body.total).toBe(0);

    for (const id of [created.body.id, withDomains.body.id]) await t.http().delete(`/sso/providers/${id}`).set('Authorization', root);
  });

  test('editing: fields left out stay, a blank secret keeps the sealed one, a new one replaces it, protocol is fixed', async () => {
    const id = (await create(oidc())).body.id as string;
    const sealedSecrets = async () =>
      (await t.infra.eventStore.readStream(organizationStreamName(orgId)))
        .filter((e) => (e.type === 'SsoProviderAdded' || e.type === 'SsoProviderUpdated') && (e.data as { providerId: string }).providerId === id)
        .map((e) => (e.data as { clientSecretCiphertext: string | null }).clientSecretCiphertext);
    const kept = await t.http().patch(`/sso/providers/${id}`).set('Authorization', root).send({ displayName: 'Renamed', clientSecret: '   ' });
    expect(kept.status).toBe(200);
    const view = (await t.http().get(`/sso/providers/${id}`).set('Authorization', root)).body;
    expect(view).toEqual(expect.objectContaining({ displayName: 'Renamed', clientId: 'lms', scopes: ['openid', 'email', 'profile'] }));
    expect((await sealedSecrets()).map((s) => (s ? t.infra.secretBox.open(s) : null))).toEqual(['first-secret-value', null]);

    await t.http().patch(`/sso/providers/${id}`).set('Authorization', root).send({ clientSecret: 'second-secret-value' });
    expect((await sealedSecrets()).map((s) => (s ? t.infra.secretBox.open(s) : null))).toEqual(['first-secret-value', null, 'second-secret-value']);

    const protocol = await t.http().patch(`/sso/providers/${id}`).set('Authorization', root).send({ protocol: 'saml' });
    expect(protocol.status).toBe(400);
    const nothing = await t.http().patch(`/sso/providers/${id}`).set('Authorization', root).send({ displayName: 'Renamed' });
    expect(nothing.status).toBe(200);
    expect((await sealedSecrets()).length).toBe(3);
    const audit = await t.http().get(`/organizations/${orgId}/audit`).query({ type: 'SsoProviderUpdated' }).set('Authorization', root);
    expect(audit.body.items.map((e: { summary: string }) => e.summary)).toEqual(
      expect.arrayContaining(['Edited the SSO provider "Renamed": displayName School Accounts → Renamed', 'Edited the SSO provider "Renamed": client secret replaced']),
    );
    await t.http().delete(`/sso/providers/${id}`).set('Authorization', root);
  });

  test('POST /sso/providers/:id creates under a chosen id, once', async () => {
    const id = '5b0d4a3e-8f1c-4c57-9a61-2f7e0c9d1b42';
    const first = await t.http().post(`/sso/providers/${id}`).set('Authorization', root).send(oidc());
    expect([first.status, first.body.id]).toEqual([201, id]);
    const again = await t.http().post(`/sso/providers/${id}`).set('Authorization', root).send(oidc({ organizationId: otherOrgId }));
    expect([again.status, again.body.code]).toEqual([409, 'sso-provider-already-exists']);
    await t.http().delete(`/sso/providers/${id}`).set('Authorization', root);
  });

  test('a SAML provider needs an entity ID, an https SSO URL and a valid PEM certificate; it gets SP URLs and metadata', async () => {
    const base = { organizationId: orgId, protocol: 'saml', displayName: 'School SAML', issuer: 'https://idp.school.test/saml', ssoUrl: 'https://idp.school.test/sso' };
    const missing = await create({ organizationId: orgId, protocol: 'saml' });
    expect(fieldsOf(missing.body)).toEqual(['displayName', 'idpCertificate', 'issuer', 'ssoUrl']);
    const notPem = await create({ ...base, idpCertificate: 'hello' });
    expect(notPem.body).toEqual(expect.objectContaining({ code: 'validation-failed', errors: [expect.objectContaining({ field: 'idpCertificate' })] }));
    const garbled = await create({ ...base, idpCertificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' });
    expect(garbled.body.errors).toEqual([{ field: 'idpCertificate', message: 'idpCertificate is not a valid X.509 certificate' }]);

    const created = await create({ ...base, idpCertificate: makeSigningIdentity('idp.school.test').certificatePem });
    expect(created.status).toBe(201);
    const view = (await t.http().get(`/sso/providers/${created.body.id}`).set('Authorization', root)).body;
    expect(view).toEqual(
      expect.objectContaining({
        spEntityId: `https://api.school.test/auth/sso/${created.body.id}/metadata`,
        acsUrl: `https://api.school.test/auth/sso/${created.body.id}/acs`,
        domains: 'Any verified email',
      }),
    );
    const metadata = await t.http().get(`/auth/sso/${created.body.id}/metadata`);
    expect(metadata.text).toContain(`entityID="${view.spEntityId}"`);
    await t.http().delete(`/sso/providers/${created.body.id}`).set('Authorization', root);
  });
});

describe('Require SSO', () => {
  test("blocks password sign-in for the organization's members only, while the provider is enabled; discovery tells the UI", async () => {
    const id = (await create(oidc({ requireSso: true }))).body.id as string;
    const member = await t.http().post('/auth/login').send({ email: 'member@school.test', password: PASSWORD });
    expect(member.status).toBe(403);
    expect(member.body).toEqual(expect.objectContaining({ code: 'sso-required', providerId: id }));
    // A wrong password is still just a wrong password: the policy is not revealed to a guesser.
    expect((await t.http().post('/auth/login').send({ email: 'member@school.test', password: 'wrong-password-1' })).status).toBe(401);
    // Super admins and members of other organizations are not affected.
    expect((await t.http().post('/auth/login').send(SUPERADMIN)).status).toBe(200);
    expect((await t.http().post('/auth/login').send({ email: 'member@other.test', password: PASSWORD })).status).toBe(200);

    const discovered = await t.http().get('/auth/sso/discover').query({ email: 'MEMBER@school.test' });
    expect(discovered.body).toEqual({ ssoRequired: true, providerId: id, displayName: 'School Accounts', protocol: 'oidc', loginPath: `/auth/sso/${id}/login` });
    const unknown = await t.http().get('/auth/sso/discover').query({ email: 'nobody@nowhere.test' });
    const noProvider = await t.http().get('/auth/sso/discover').query({ email: 'member@other.test' });
    expect(unknown.status).toBe(200);
    expect(noProvider.body).toEqual(unknown.body);
    expect(unknown.body).toEqual({ ssoRequired: false });

    // A disabled provider requires nothing: password sign-in comes back.
    await t.http().patch(`/sso/providers/${id}`).set('Authorization', root).send({ enabled: false });
    expect((await t.http().post('/auth/login').send({ email: 'member@school.test', password: PASSWORD })).status).toBe(200);
    expect((await t.http().get('/auth/sso/discover').query({ email: 'member@school.test' })).body).toEqual({ ssoRequired: false });
    await t.http().delete(`/sso/providers/${id}`).set('Authorization', root);
  });

  test('only super admins manage providers', async () => {
    const admin = await t.login('member@school.test', PASSWORD);
    expect((await t.http().get('/sso/providers').query({ organizationId: orgId }).set('Authorization', admin)).status).toBe(403);
    expect((await t.http().post('/sso/providers').set('Authorization', admin).send(oidc())).status).toBe(403);
  });
});
