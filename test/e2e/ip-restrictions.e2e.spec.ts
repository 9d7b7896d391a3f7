import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * IP restrictions (multi-tenant guide, Access Control; issue 20) over HTTP. The service
 * runs with TRUST_PROXY=true, as behind a reverse proxy, so each request says where it
 * comes from in X-Forwarded-For; a test without the header comes from loopback.
 */
let t: TestApp;
let root: string;
let orgId: string;
let admin: string;
let member: string;
const PASSWORD = 'ip-restrictions-password-1';
const OFFICE = '203.0.113.9';
const OFFICE_V6 = '2001:db8:4:2::17';
const CAFE = '198.51.100.7';
const http = () => t.http();
const from = (ip: string) => ({ 'X-Forwarded-For': ip });
const put = (body: Record<string, unknown>, ip = OFFICE, auth = admin) => http().put(`/organizations/${orgId}/ip-restrictions`).set({ Authorization: auth, ...from(ip) }).send(body);
const me = (ip: string, auth = member) => http().get('/auth/me').set({ Authorization: auth, ...from(ip) });

beforeAll(async () => {
  t = await startTestApp({ TRUST_PROXY: 'true', LOGIN_MAX_FAILURES_PER_IP: '1000' });
  root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Walled Garden', timeZone: 'UTC' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@walled.test', roles: ['admin'] }, PASSWORD);
  await inviteAndSetUp(t, root, orgId, { email: 'member@walled.test', roles: ['member'] }, PASSWORD);
  admin = await t.login('admin@walled.test', PASSWORD);
  member = await t.login('member@walled.test', PASSWORD);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('IP restrictions', () => {
  test('each entry is read as a CIDR range, normalized; a wrong one is refused by its index; at most 100', async () => {
    const refused = await put({ ranges: ['203.0.113.0/24', '203.0.113.0/33', 'intranet', '10.1'] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['ranges[1]', 'ranges[2]', 'ranges[3]']);
    const many = await put({ ranges: Array.from({ length: 101 }, (_, i) => `10.${i}.0.0/16`) });
    expect([many.status, many.body.errors[0].field]).toEqual([400, 'ranges']);
    // Nothing was saved.
    expect((await http().get(`/organizations/${orgId}/ip-restrictions`).set({ Authorization: admin, ...from(CAFE) })).body).toMatchObject({ ranges: [], yourAddress: CAFE, yourAddressAllowed: true });
  });

  test('an admin cannot shut out their own address without confirming it (409), and can with confirmation', async () => {
    const refused = await put({ ranges: ['192.0.2.0/24'] }, CAFE);
    expect([refused.status, refused.body.code]).toEqual([409, 'ip-restriction-excludes-you']);
    const saved = await put({ ranges: ['192.0.2.0/24'], confirmExcludingMyAddress: true }, CAFE);
    expect(saved.status).toBe(200);
    // Shut out now, as they were warned; a super admin (exempt) puts it right.
    expect((await me(CAFE, admin)).body.code).toBe('ip-not-allowed');
    expect((await http().put(`/organizations/${orgId}/ip-restrictions`).set({ Authorization: root, ...from(CAFE) }).send({ ranges: [] })).status).toBe(200);
    expect((await me(CAFE, admin)).status).toBe(200);
  });

  test('members inside the ranges (IPv4 and IPv6) go on; outside, every request and sign-in is refused with 403 ip-not-allowed; super admins are exempt', async () => {
    const saved = await put({ ranges: ['203.0.113.77/24', `${OFFICE_V6}/48`] });
    expect(saved.status).toBe(200);
    // Stored as network addresses.
    expect((await http().get(`/organizations/${orgId}/ip-restrictions`).set({ Authorization: admin, ...from(OFFICE) })).body).toMatchObject({ ranges: ['203.0.113.0/24', '2001:db8:4::/48'], yourAddress: OFFICE, yourAddressAllowed: true });
    await t.infra.runner!.catchUp(15_000);

    expect((await me(OFFICE)).status).toBe(200);
    expect((await me(OFFICE_V6)).status).toBe(200);
    const outside = await me(CAFE);
    expect([outside.status, outside.body.code, outside.body.detail]).toEqual([403, 'ip-not-allowed', `Your address ${CAFE} is outside the IP ranges this organization allows`]);
    expect((await me('2001:db8:5::1')).status).toBe(403);
    expect((await http().get(`/organizations/${orgId}/users`).set({ Authorization: admin, ...from(CAFE) })).status).toBe(403);
    // Sign-in from outside, with the right password: refused, and told why.
    const signIn = await http().post('/auth/login').set(from(CAFE)).send({ email: 'member@walled.test', password: PASSWORD });
    expect([signIn.status, signIn.body.code]).toEqual([403, 'ip-not-allowed']);
    expect((await http().post('/auth/login').set(from(OFFICE)).send({ email: 'member@walled.test', password: PASSWORD })).status).toBe(200);
    // Super admins are exempt.
    expect((await http().get(`/organizations/${orgId}/users`).set({ Authorization: root, ...from(CAFE) })).status).toBe(200);
  });

  test('the audit log records the change and the refused requests, once per person and address in ten minutes', async () => {
    for (let i = 0; i < 3; i++) expect((await me('192.0.2.44')).status).toBe(403);
    await t.infra.runner!.catchUp(15_000);
    const audit = (await http().get(`/organizations/${orgId}/audit`).query({ pageSize: 100 }).set({ Authorization: admin, ...from(OFFICE) })).body.items as { type: string; summary: string }[];
    expect(audit.filter((e) => e.type === 'OrganizationIpRestrictionsChanged').map((e) => e.summary)).toContain('Restricted members to 2 IP ranges: 203.0.113.0/24, 2001:db8:4::/48');
    const refusals = audit.filter((e) => e.type === 'DataAccessed' && e.summary.includes('192.0.2.44'));
    expect(refusals.map((e) => e.summary)).toEqual(["Refused GET /auth/me from 192.0.2.44: outside the organization's IP ranges"]);
  });
});
