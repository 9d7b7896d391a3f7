import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startDnsServer } from '../support/dns-server.js';
import { inviteAndSetUp } from '../support/members.js';
import { makeSigningIdentity } from '../support/saml-idp.js';
import { startSmtpServer, type ReceivedMail } from '../support/smtp.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Self-registration and join requests (issue 17; multi-tenant guide, Domain Auto-Join),
 * with a real DNS server serving the domains' TXT records and a real SMTP server.
 */
let t: TestApp;
let dns: Awaited<ReturnType<typeof startDnsServer>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let root: string;
const PASSWORD = 'register-password-1';
const http = () => t.http();

const tokenIn = (mail: ReceivedMail) => /register\/confirm\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1];
const register = (email: string, firstName = 'Pat', lastName = 'Person') => http().post('/auth/register').send({ email, firstName, lastName });
const confirm = (token: string) => http().post('/auth/register/confirm').send({ token });

/** An organization with a verified domain and the settings given. */
async function organization(name: string, domain: string, settings: Record<string, unknown>) {
  const id = (await http().post('/organizations').set('Authorization', root).send({ name, timeZone: 'UTC' })).body.id as string;
  const added = await http().post(`/organizations/${id}/domains`).set('Authorization', root).send({ domain });
  dns.publish(added.body.record.name, added.body.record.value);
  expect((await http().post(`/organizations/${id}/domains/${domain}/verify`).set('Authorization', root)).status).toBe(200);
  expect((await http().patch(`/organizations/${id}/settings`).set('Authorization', root).send(settings)).status).toBe(200);
  return id;
}

beforeAll(async () => {
  dns = await startDnsServer();
  smtp = await startSmtpServer();
  t = await startTestApp({ DNS_SERVERS: dns.address, SMTP_URL: smtp.url, LOGIN_MAX_FAILURES_PER_IP: '1000' });
  root = await t.login();
}, 60_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await dns?.close();
});

describe('Self-registration at a verified domain', () => {
  let openOrg: string;
  beforeAll(async () => {
    openOrg = await organization('Open Academy', 'open-academy.test', { selfRegistration: 'domain', membershipPolicy: 'open' });
  }, 60_000);

  test('open: the mailed link proves the address, the person joins as a member and sets a password on the setup page', async () => {
    const started = await register('ana@open-academy.test', 'Ana', 'Alves');
    expect(started.status).toBe(202);
    expect(started.body.message).toBe('If this address can join an organization here, a link to confirm it is on its way.');
    const mail = await smtp.waitFor('ana@open-academy.test');
    expect(mail.subject).toBe('Confirm your address to join Open Academy');
    const joined = await confirm(tokenIn(mail));
    expect(joined.status).toBe(200);
    expect(joined.body.status).toBe('joined');
    const setupToken = new URL(joined.body.setupLink).searchParams.get('token')!;
    expect((await http().post('/auth/setup').send({ token: setupToken, password: PASSWORD })).status).toBe(201);
    const ana = await t.login('ana@open-academy.test', PASSWORD);
    const me = await http().get('/auth/me').set('Authorization', ana);
    expect(me.body).toMatchObject({ organizationId: openOrg, roles: ['member'], user: { firstName: 'Ana', lastName: 'Alves', status: 'active' } });
    // The link works once.
    const again = await confirm(tokenIn(mail));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('setup-link-invalid');
  });

  test('an address at no verified domain, or at an organization that takes no registrations, gets the same answer and no mail', async () => {
    await organization('Closed Academy', 'closed-academy.test', { selfRegistration: 'disabled' });
    for (const email of ['zed@nowhere.test', 'zoe@closed-academy.test']) {
      const answer = await register(email);
      expect([answer.status, answer.body.message]).toEqual([202, 'If this address can join an organization here, a link to confirm it is on its way.']);
    }
    // A registration that mails, after them: once it is in, theirs would have been too.
    await register('marker@open-academy.test');
    await smtp.waitFor('marker@open-academy.test');
    expect(smtp.received.filter((m) => m.to.includes('zed@nowhere.test') || m.to.includes('zoe@closed-academy.test'))).toEqual([]);
  });

  test('an organization that requires single sign-on answers sso-required: its members register through the identity provider', async () => {
    const ssoOrg = await organization('SSO Academy', 'sso-academy.test', { selfRegistration: 'domain', membershipPolicy: 'open' });
    const idp = makeSigningIdentity('idp.sso-academy.test');
    const provider = await http().post('/sso/providers').set('Authorization', root)
      .send({ organizationId: ssoOrg, protocol: 'saml', displayName: 'Academy SSO', issuer: 'https://idp.sso-academy.test', ssoUrl: 'https://idp.sso-academy.test/sso', idpCertificate: idp.certificatePem, requireSso: true });
    expect(provider.status).toBe(201);
    const refused = await register('sam@sso-academy.test');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'sso-required', loginPath: `/auth/sso/${provider.body.id}/login` });
  }, 30_000);
});

describe('Join requests', () => {
  let orgId: string;
  let admin: string;
  beforeAll(async () => {
    orgId = await organization('Approval College', 'approval-college.test', { selfRegistration: 'domain', membershipPolicy: 'approval' });
    await inviteAndSetUp(t, root, orgId, { email: 'admin@approval-college.test', roles: ['admin'] }, PASSWORD);
    admin = await t.login('admin@approval-college.test', PASSWORD);
  }, 60_000);

  async function requestToJoin(email: string, firstName: string) {
    await register(email, firstName, 'Request');
    const confirmed = await confirm(tokenIn(await smtp.waitFor(email)));
    expect(confirmed.body.status).toBe('requested');
    return confirmed.body.requestId as string;
  }

  test('approved with roles and teams: the person is invited, mailed a setup link, and in the team', async () => {
    const team = await http().post(`/organizations/${orgId}/teams`).set('Authorization', admin).send({ name: 'Lab' });
    const requestId = await requestToJoin('ben@approval-college.test', 'Ben');
    const queue = await http().get(`/organizations/${orgId}/join-requests`).set('Authorization', admin);
    expect(queue.body.items).toEqual([expect.objectContaining({ id: requestId, email: 'ben@approval-college.test', firstName: 'Ben', status: 'pending' })]);

    const approved = await http().post(`/organizations/${orgId}/join-requests/${requestId}/approve`).set('Authorization', admin).send({ roles: ['instructor'], teamIds: [team.body.id] });
    expect(approved.status).toBe(200);
    const setup = await smtp.waitFor('ben@approval-college.test', { skip: 1 });
    expect(setup.subject).toBe('Welcome to Approval College: set up your account');
    const member = await http().get(`/organizations/${orgId}/users/${approved.body.userId}`).query({ minPosition: approved.body.position }).set('Authorization', admin);
    expect(member.body).toMatchObject({ email: 'ben@approval-college.test', roles: ['instructor'], status: 'setupPending', teamIds: [team.body.id] });
    // Decided once.
    expect((await http().post(`/organizations/${orgId}/join-requests/${requestId}/reject`).set('Authorization', admin).send({ reason: 'late' })).body.code).toBe('join-request-decided');
    const audit = await http().get(`/organizations/${orgId}/audit`).query({ type: 'JoinRequestApproved' }).set('Authorization', admin);
    expect(audit.body.total).toBe(1);
  });

  test('declined with a reason the person is mailed; asking again within 7 days is refused with the date', async () => {
    const requestId = await requestToJoin('cleo@approval-college.test', 'Cleo');
    const rejected = await http().post(`/organizations/${orgId}/join-requests/${requestId}/reject`).set('Authorization', admin).send({ reason: 'Only staff of the college may join.' });
    expect(rejected.status).toBe(200);
    const mail = await smtp.waitFor('cleo@approval-college.test', { skip: 1 });
    expect(mail.subject).toBe('Your request to join Approval College');
    expect(mail.text).toContain('Only staff of the college may join.');

    await register('cleo@approval-college.test', 'Cleo', 'Again');
    const again = await confirm(tokenIn(await smtp.waitFor('cleo@approval-college.test', { skip: 2 })));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('join-request-rejected-recently');
    const decidedAt = Date.parse((await http().get(`/organizations/${orgId}/join-requests`).query({ status: 'rejected' }).set('Authorization', admin)).body.items[0].decidedAt);
    expect(Date.parse(again.body.retryAfter) - decidedAt).toBe(7 * 86_400_000);
  });

  test('a reason is required to decline; instructors cannot decide', async () => {
    const requestId = await requestToJoin('dan@approval-college.test', 'Dan');
    expect((await http().post(`/organizations/${orgId}/join-requests/${requestId}/reject`).set('Authorization', admin).send({ reason: '   ' })).status).toBe(400);
    await inviteAndSetUp(t, root, orgId, { email: 'teacher@approval-college.test', roles: ['instructor'] }, PASSWORD);
    const teacher = await t.login('teacher@approval-college.test', PASSWORD);
    expect((await http().post(`/organizations/${orgId}/join-requests/${requestId}/approve`).set('Authorization', teacher).send({ roles: ['member'] })).status).toBe(403);
  });
});
