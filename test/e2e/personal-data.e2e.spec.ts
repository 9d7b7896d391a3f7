import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { strFromU8, unzipSync } from 'fflate';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A person's personal-data export (GDPR articles 15 and 20; issue 20) over HTTP: what a
 * member did and what was done about them, from the log, the session store and the
 * learning records, as JSON and as a ZIP of the JSON and one CSV per record type.
 */
let t: TestApp;
let root: string;
let orgId: string;
let admin: string;
let learner: string;
let learnerId: string;
let otherId: string;
const PASSWORD = 'personal-data-password-1';
const http = () => t.http();

beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000', XAPI_READ_YOUR_WRITES: 'true' });
  root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Privacy Academy', timeZone: 'UTC' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@privacy.test', roles: ['admin'] }, PASSWORD);
  admin = await t.login('admin@privacy.test', PASSWORD);
  learnerId = await inviteAndSetUp(t, admin, orgId, { email: 'lena@privacy.test', roles: ['member'], firstName: 'Lena', lastName: 'Learner' }, PASSWORD);
  otherId = await inviteAndSetUp(t, admin, orgId, { email: 'otto@privacy.test', roles: ['member'] }, PASSWORD);
  // Her roles change (kept in the roles' own order: instructor, member); she signs in twice; the learning content reports a completion.
  expect((await http().patch(`/organizations/${orgId}/users/${learnerId}`).set('Authorization', admin).send({ roles: ['member', 'instructor'] })).status).toBe(200);
  learner = await t.login('lena@privacy.test', PASSWORD);
  await t.login('lena@privacy.test', PASSWORD);
  const credential = (await http().post(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin).send({ name: 'Player' })).body;
  const stored = await http()
    .post('/xapi/statements')
    .set({ Authorization: `Basic ${Buffer.from(`${credential.key}:${credential.secret}`).toString('base64')}`, 'X-Experience-API-Version': '1.0.3' })
    .send([
      { actor: { mbox: 'mailto:lena@privacy.test' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://privacy.test/course' }, timestamp: '2026-11-30T09:00:00Z' },
      { actor: { mbox: 'mailto:otto@privacy.test' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://privacy.test/course' }, timestamp: '2026-11-30T09:05:00Z' },
    ]);
  expect(stored.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const exportOf = (userId: string, auth: string, format?: string) =>
  http().get(`/organizations/${orgId}/users/${userId}/personal-data`).query(format ? { format } : {}).set('Authorization', auth).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

describe('Personal-data export', () => {
  test('the JSON: profile and membership, roles over time, sessions, learning records, audit entries about and by her; nobody else\'s', async () => {
    const answer = await exportOf(learnerId, learner, 'json');
    expect(answer.status).toBe(200);
    const data = JSON.parse(answer.body.toString('utf8'));
    expect(data.person).toEqual({ id: learnerId, email: 'lena@privacy.test', firstName: 'Lena', lastName: 'Learner' });
    expect(data.membership).toMatchObject({ organizationId: orgId, organizationName: 'Privacy Academy', status: 'active', roles: ['instructor', 'member'] });
    expect(data.rolesOverTime.map((r: { roles: string[]; by: string }) => [r.roles, r.by])).toEqual([
      [['member'], 'admin@privacy.test'],
      [['instructor', 'member'], 'admin@privacy.test'],
    ]);
    // Her two sign-ins (completing setup starts no session).
    expect(data.sessions).toHaveLength(2);
    expect(data.sessions.every((s: { signedInAt: string; endedReason: null }) => /^\d{4}-/.test(s.signedInAt) && s.endedReason === null)).toBe(true);
    expect(data.learningRecords.map((s: { object: { id: string }; voided: boolean }) => [s.object.id, s.voided])).toEqual([['https://privacy.test/course', false]]);
    expect(JSON.stringify(data)).not.toContain('otto@privacy.test');
    const aboutTypes = data.auditEntriesAboutThem.map((e: { type: string }) => e.type);
    expect(aboutTypes).toEqual(expect.arrayContaining(['UserInvited', 'UserSetupCompleted', 'UserEdited']));
    expect(data.auditEntriesByThem.map((e: { type: string }) => e.type)).toContain('UserSetupCompleted');
    // Nothing secret: no password hash, no sealed setup token.
    expect(JSON.stringify(data)).not.toMatch(/argon2|setupTokenCiphertext":"[^[]/);
  });

  test('the archive: the JSON and one CSV per record type', async () => {
    const answer = await exportOf(learnerId, admin);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(answer.body));
    expect(Object.keys(files).sort()).toEqual(['audit-about-them.csv', 'audit-by-them.csv', 'learning-records.csv', 'personal-data.json', 'profile.csv', 'roles-over-time.csv', 'sessions.csv']);
    expect(strFromU8(files['profile.csv']).split('\r\n')[1]).toBe(`${learnerId},lena@privacy.test,Lena,Learner,${orgId},Privacy Academy,active,"[""instructor"",""member""]",[]`);
    const records = strFromU8(files['learning-records.csv']).trim().split('\r\n');
    expect(records[0]).toBe('id,timestamp,stored,verb,object,result,voided');
    expect(records.slice(1).map((r) => r.split(',')[4])).toEqual(['https://privacy.test/course']);
    expect(JSON.parse(strFromU8(files['personal-data.json'])).person.email).toBe('lena@privacy.test');
  });

  test('admins export anyone\'s, everyone else only their own; each export is in the audit log as data accessed', async () => {
    expect((await exportOf(otherId, learner, 'json')).status).toBe(403);
    expect((await exportOf(otherId, admin, 'json')).status).toBe(200);
    expect((await exportOf('00000000-0000-4000-8000-000000000000', admin, 'json')).status).toBe(404);
    const audit = (await http().get(`/organizations/${orgId}/audit`).query({ type: 'DataAccessed', pageSize: 100 }).set('Authorization', admin)).body.items as { summary: string; actor: { email: string } }[];
    const exports = audit.filter((e) => e.summary.startsWith('Exported the personal data'));
    expect(exports.map((e) => [e.actor.email, e.summary]).reverse()).toEqual([
      ['lena@privacy.test', 'Exported the personal data of Lena Learner <lena@privacy.test> (json)'],
      ['admin@privacy.test', 'Exported the personal data of Lena Learner <lena@privacy.test> (zip)'],
      ['admin@privacy.test', 'Exported the personal data of M X <otto@privacy.test> (json)'],
    ]);
  });
});
