import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import { RetentionJob } from '../../apps/command-api/src/members/retention/retention.js';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Retention (issue 20): an organization keeps access records, deactivated members and
 * learning records for a number of days, and the daily job erases what is past them, the
 * way an erasure does (a month's records by destroying the month's key). The job is run
 * here at a later date, as the scheduler would run it then.
 */
let t: TestApp;
let orgId: string;
let admin: string;
let learnerId: string;
let leaverId: string;
const PASSWORD = 'retention-password-1';
const http = () => t.http();
const DAY = 86_400_000;
const job = () => t.app.get(RetentionJob);

beforeAll(async () => {
  t = await startTestApp({ XAPI_READ_YOUR_WRITES: 'true', TRUST_PROXY: 'true' });
  const root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Tidy Academy', timeZone: 'UTC' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@tidy.test', roles: ['admin'] }, PASSWORD);
  admin = await t.login('admin@tidy.test', PASSWORD);
  learnerId = await inviteAndSetUp(t, admin, orgId, { email: 'lorna@tidy.test', roles: ['member'], firstName: 'Lorna', lastName: 'Learner' }, PASSWORD);
  leaverId = await inviteAndSetUp(t, admin, orgId, { email: 'leo@tidy.test', roles: ['member'], firstName: 'Leo', lastName: 'Leaver' }, PASSWORD);
  expect((await http().post(`/organizations/${orgId}/users/${leaverId}/deactivate`).set('Authorization', admin).send({})).status).toBe(200);
  // A learning record naming the learner, and an access record from the admin's address.
  const credential = (await http().post(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin).send({ name: 'Player' })).body;
  const stored = await http()
    .post('/xapi/statements')
    .set({ Authorization: `Basic ${Buffer.from(`${credential.key}:${credential.secret}`).toString('base64')}`, 'X-Experience-API-Version': '1.0.3' })
    .send([{ actor: { name: 'Lorna Learner', mbox: 'mailto:lorna@tidy.test' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://tidy.test/course' }, result: { response: 'my own words' } }]);
  expect(stored.status).toBe(200);
  expect((await http().get(`/organizations/${orgId}/users/${learnerId}/personal-data`).query({ format: 'json' }).set({ Authorization: admin, 'X-Forwarded-For': '192.0.2.44' })).status).toBe(200);
  expect(
    (await http().patch(`/organizations/${orgId}/settings`).set('Authorization', admin).send({ policies: { retention: { accessRecordsDays: 30, deactivatedMembersDays: 120, learningRecordsDays: 90 } } })).status,
  ).toBe(200);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const statementOf = async () => (await http().get(`/organizations/${orgId}/users/${learnerId}/personal-data`).query({ format: 'json' }).set('Authorization', admin)).body.learningRecords[0];
const accessEntries = async () =>
  (await http().get(`/organizations/${orgId}/audit`).query({ type: 'DataAccessed', pageSize: 100 }).set('Authorization', admin)).body.items.filter((e: { details: { what: string } }) => e.details.what === 'personal-data-export');
const thisMonth = new Date().toISOString().slice(0, 7);
/** The first instant of the month after this one, plus `days`: when this month's records fall due. */
const dueAfter = (days: number) => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) + days * DAY;
};

describe('Retention', () => {
  test('the job runs daily; today nothing is past its days, so a run erases nothing', async () => {
    expect(t.app.get(SchedulerRegistry).getCronJob('retention').cronTime.source).toBe('10 3 * * *');
    const now = await http().post(`/organizations/${orgId}/retention/run`).query({ dryRun: 'true' }).set('Authorization', admin);
    expect([now.status, now.body]).toEqual([200, { organizationId: orgId, dryRun: true, deactivatedBefore: expect.any(String), accessRecordMonths: [], learningRecordMonths: [], members: [] }]);
  });

  test('a dry run says what is due and changes nothing; a run erases it: the member, the access records, then the learning records', async () => {
    // 30 days after this month ended: its access records are due; the member deactivated today (120 days) is not.
    const accessDue = new Date(dueAfter(30));
    const dry = await job().apply(orgId, { now: accessDue, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, accessRecordMonths: [thisMonth], learningRecordMonths: [], members: [] });
    expect((await accessEntries())[0]).toMatchObject({ ip: '192.0.2.44', details: { detail: { label: 'Lorna Learner <lorna@tidy.test>' } } });

    expect(await job().apply(orgId, { now: accessDue, dryRun: false })).toMatchObject({ dryRun: false, accessRecordMonths: [thisMonth], members: [] });
    const [access] = await accessEntries();
    expect(access).toMatchObject({ ip: null, userAgent: null, details: { detail: { userId: learnerId, label: 'erased' } } });
    // Learning records and the learner themself are untouched yet.
    expect((await statementOf()).actor).toEqual({ name: 'Lorna Learner', mbox: 'mailto:lorna@tidy.test' });

    // 90 days after this month ended: its learning records, and the member (deactivated more than 120 days before).
    const later = new Date(dueAfter(90));
    expect(await job().apply(orgId, { now: later, dryRun: true })).toMatchObject({ accessRecordMonths: [], learningRecordMonths: [thisMonth], members: [leaverId] });
    expect(await job().apply(orgId, { now: later, dryRun: false })).toMatchObject({ learningRecordMonths: [thisMonth], members: [leaverId] });
    const statement = await statementOf();
    expect(statement.actor).toEqual({ objectType: 'Agent', account: { homePage: 'https://erased.invalid', name: expect.any(String) } });
    expect(statement.result).toEqual({ response: 'erased' });
    expect((await http().get(`/organizations/${orgId}/users/${leaverId}`).set('Authorization', admin)).body).toMatchObject({ firstName: 'erased', email: `erased-${leaverId}@erased.invalid` });
    // The learner is still a member with their name: only their records of that month are gone.
    expect((await http().get(`/organizations/${orgId}/users/${learnerId}`).set('Authorization', admin)).body).toMatchObject({ firstName: 'Lorna' });

    // Each run is in the audit log; a run with nothing left to do records nothing.
    expect(await job().apply(orgId, { now: later, dryRun: false })).toMatchObject({ accessRecordMonths: [], learningRecordMonths: [], members: [] });
    const runs = (await http().get(`/organizations/${orgId}/audit`).query({ type: 'RetentionApplied' }).set('Authorization', admin)).body.items;
    expect(runs.map((e: { summary: string }) => e.summary)).toEqual([
      `Applied the retention policy: 1 deactivated member erased; access records of (none) and learning records of ${thisMonth} erased`,
      `Applied the retention policy: 0 deactivated members erased; access records of ${thisMonth} and learning records of (none) erased`,
    ]);
    // The read models equal what the log gives: the statements' erased forms are the log's.
    const verified = await http().get('/audit/verify').query({ organizationId: orgId }).set('Authorization', await t.login());
    expect(verified.body.intact).toBe(true);
  });
});
