import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import xapiLibrary from '@xapi/xapi';
import { CommandBus } from '@nestjs/cqrs';
import { SYSTEM_ACTOR } from '#domain';
import { CloseLearningDaysJob } from '../../apps/command-api/src/analytics/closing-days/close-learning-days.job.js';
import { LibraryFollowsOrganization } from '../../apps/command-api/src/content/following-organization/library-follows-organization.js';
import { toLibrary, toOrganization } from '../../apps/command-api/src/shared/write/stream-command.js';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Changing an organization's time zone (issue 22; the guide: "Organization time zone
 * wrong: select the correct time zone. Warning: Existing lesson dates may be affected"),
 * over HTTP, across DST boundaries. A school set up in London moves to New York:
 *
 * - the dry run says what would move and changes nothing;
 * - the change moves each due date still ahead to the same local date and time in New
 *   York, by New York's rules on that date: EST before Mar 10, 2030, EDT after, and a time
 *   the clocks skip moved on by the gap;
 * - the day closing follows New York's midnight from the next day it closes, on the
 *   23-hour Mar 8, 2026.
 *
 * The instants are written out from the zones' rules (London: GMT until Mar 31, 2030).
 */
const XAPI = xapiLibrary.default;
const PASSWORD = 'time-zone-password-1';
const ATTEMPTED = 'http://adlnet.gov/expapi/verbs/attempted';

let t: TestApp;
let admin: string;
let orgId: string;
let student: string;
let activityId: string;
const assignments: Record<string, string> = {};
const http = () => t.http();
const as = (auth: string) => ({ Authorization: auth });
const organization = async () => http().get(`/organizations/${orgId}`).set(as(admin));
const assignment = async (key: string) => (await http().get(`/organizations/${orgId}/assignments/${assignments[key]}`).set(as(admin))).body;
const change = (body: Record<string, unknown>, query: Record<string, string> = {}, etag?: string) => {
  const request = http().patch(`/organizations/${orgId}`).query(query).set(as(admin));
  return (etag ? request.set('If-Match', etag) : request).send(body);
};

async function sendStatements(timestamps: string[]): Promise<void> {
  const issued = (await http().post(`/organizations/${orgId}/xapi/credentials`).set(as(admin)).send({ name: `Player ${timestamps[0]}` })).body;
  const client = new XAPI({ endpoint: `${(await t.app.getUrl()).replace('[::1]', '127.0.0.1')}/xapi/`, auth: XAPI.toBasicAuth(issued.key, issued.secret) });
  const statements = timestamps.map((timestamp) => ({ actor: { mbox: 'mailto:student@thames.test' }, verb: { id: ATTEMPTED }, object: { id: 'https://thames.test/activities/tides' }, timestamp }));
  expect((await client.sendStatements({ statements: statements as never })).status).toBe(200);
}

beforeAll(async () => {
  t = await startTestApp({ CLOSE_LEARNING_DAYS: 'false', XAPI_READ_YOUR_WRITES: 'true', LOGIN_MAX_FAILURES_PER_IP: '1000' });
  await t.app.listen(0, '127.0.0.1');
  const root = await t.login();
  orgId = (await http().post('/organizations').set(as(root)).send({ name: 'Thames School', timeZone: 'Europe/London' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@thames.test', roles: ['admin'] }, PASSWORD);
  admin = await t.login('admin@thames.test', PASSWORD);
  const teacher = await inviteAndSetUp(t, admin, orgId, { email: 'teacher@thames.test', roles: ['instructor'] }, PASSWORD);
  student = await inviteAndSetUp(t, admin, orgId, { email: 'student@thames.test', roles: ['member'] }, PASSWORD);
  const other = await inviteAndSetUp(t, admin, orgId, { email: 'other@thames.test', roles: ['member'] }, PASSWORD);
  const classId = (await http().post(`/organizations/${orgId}/classes`).set(as(admin)).send({ name: 'Tides', instructorId: teacher })).body.id;
  await http().post(`/organizations/${orgId}/classes/${classId}/students`).set(as(admin)).send({ userIds: [student, other] });
  const teamId = (await http().post(`/organizations/${orgId}/teams`).set(as(admin)).send({ name: 'Rowers' })).body.id;
  await http().post(`/organizations/${orgId}/teams/${teamId}/members`).set(as(admin)).send({ userIds: [student, other] });
  await http().patch(`/organizations/${orgId}/settings`).set(as(root)).send({ allowances: { features: { activityAuthoring: true } } });
  await http().patch(`/organizations/${orgId}/settings`).set(as(admin)).send({ features: { activityAuthoring: true } });
  activityId = (await http().post(`/organizations/${orgId}/activities`).set(as(admin)).send({ title: 'Tides', activityIri: 'https://thames.test/activities/tides', kind: 'private' })).body.id;
  const assign = async (key: string, body: Record<string, unknown>) => {
    const made = await http().post(`/organizations/${orgId}/assignments`).set(as(admin)).send({ activityId, ...body });
    expect(made.status).toBe(201);
    assignments[key] = made.body.id;
  };
  await assign('class', { target: { kind: 'class', classId }, dueDate: '2030-03-06', dueTime: '17:00' });
  await assign('team', { target: { kind: 'team', teamId }, dueDate: '2030-03-20', dueTime: '17:00' });
  // 02:30 on the night New York's clocks skip from 02:00 to 03:00.
  await assign('skipped', { target: { kind: 'members', userIds: [student] }, dueDate: '2030-03-10', dueTime: '02:30' });
  await assign('undated', { target: { kind: 'everyone' } });
  // Learning in London's days, before the change: Mar 6 and Mar 7, 2026.
  await sendStatements(['2026-03-06T23:30:00Z', '2026-03-07T12:00:00Z']);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('changing the time zone', () => {
  const job = () => t.app.get(CloseLearningDaysJob);
  const closedDays = async () => (await t.infra.eventStore.readStream(`learning-days-${orgId}`)).map((e) => e.data as { date: string; timeZone: string; statements: number });
  const moved = [
    // EST: before New York's clocks go forward.
    { key: 'class', before: { date: '2030-03-06', time: '17:00', timeZone: 'Europe/London', at: '2030-03-06T17:00:00.000Z' }, after: { date: '2030-03-06', time: '17:00', timeZone: 'America/New_York', at: '2030-03-06T22:00:00.000Z' }, learners: 2 },
    // Skipped in New York: 03:30 EDT, as the clock shows after the gap.
    { key: 'skipped', before: { date: '2030-03-10', time: '02:30', timeZone: 'Europe/London', at: '2030-03-10T02:30:00.000Z' }, after: { date: '2030-03-10', time: '02:30', timeZone: 'America/New_York', at: '2030-03-10T07:30:00.000Z' }, learners: 1 },
    // EDT in New York while London is still on GMT.
    { key: 'team', before: { date: '2030-03-20', time: '17:00', timeZone: 'Europe/London', at: '2030-03-20T17:00:00.000Z' }, after: { date: '2030-03-20', time: '17:00', timeZone: 'America/New_York', at: '2030-03-20T21:00:00.000Z' }, learners: 2 },
  ];
  const expectedChange = () => ({
    before: 'Europe/London',
    after: 'America/New_York',
    shifts: { classes: 1, assignments: 3, dueDates: 5, dueAtOnce: 0 },
    assignments: moved.map((m) => expect.objectContaining({ assignmentId: assignments[m.key], before: m.before, after: m.after, learners: m.learners })),
  });

  test('London closes its own days first: Mar 6 and Mar 7 at London\'s midnights', async () => {
    expect(await job().closeDue(new Date('2026-03-08T00:00:30Z'))).toBe(2);
    expect(await closedDays()).toEqual([
      expect.objectContaining({ date: '2026-03-06', timeZone: 'Europe/London', statements: 1 }),
      expect.objectContaining({ date: '2026-03-07', timeZone: 'Europe/London', statements: 1 }),
    ]);
  });

  test('a dry run answers what would move, with the problems the change would give, and changes nothing', async () => {
    const read = await organization();
    const etag = read.headers.etag;
    const started = Date.now();
    const dry = await change({ timeZone: 'US/Eastern' }, { dryRun: 'true' }, etag);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ id: orgId, revision: Number(JSON.parse(etag)), dryRun: true, timeZoneChange: expectedChange() });
    expect(dry.headers.etag).toBe(etag);
    // The next day to close is Mar 8 (Mar 7 was the last); it ended long ago in both zones, so it closes at once.
    const { before, after } = dry.body.timeZoneChange.nextDayClosing;
    expect([before.date, before.timeZone, after.date, after.timeZone]).toEqual(['2026-03-08', 'Europe/London', '2026-03-08', 'America/New_York']);
    for (const at of [before.at, after.at]) expect(Date.parse(at)).toBeGreaterThanOrEqual(started - 1000);
    // Nothing changed.
    const again = await organization();
    expect([again.body.timeZone, again.headers.etag]).toEqual(['Europe/London', etag]);
    expect((await assignment('class')).due).toEqual(moved[0].before);
    // The same problems as the change itself.
    const stale = await change({ timeZone: 'America/New_York' }, { dryRun: 'true' }, '"999"');
    expect([stale.status, stale.body.code]).toEqual([412, 'stale-revision']);
    const unknown = await change({ timeZone: 'Mars/Olympus_Mons' }, { dryRun: 'true' });
    expect([unknown.status, unknown.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, ['timeZone']]);
    const { instance: _i, ...problem } = unknown.body;
    const { instance: _j, ...sameProblem } = (await change({ timeZone: 'Mars/Olympus_Mons' })).body;
    expect(problem).toEqual(sameProblem);
    const notBoolean = await change({ timeZone: 'America/New_York' }, { dryRun: 'maybe' });
    expect([notBoolean.status, notBoolean.body.code]).toEqual([400, 'validation-failed']);
    // An edit that leaves the zone says nothing of it.
    expect((await change({ description: 'By the river' }, { dryRun: 'true' })).body.timeZoneChange).toBeUndefined();
  });

  test('the change moves each due date still ahead to the same local date and time in New York, and says so; the audit log has before and after', async () => {
    const read = await organization();
    const changed = await change({ timeZone: 'US/Eastern' }, {}, read.headers.etag);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: orgId, timeZoneChange: expectedChange() });
    expect(changed.body.dryRun).toBeUndefined();
    expect(changed.body.revision).toBeGreaterThan(Number(JSON.parse(read.headers.etag)));
    expect((await organization()).body.timeZone).toBe('America/New_York');
    for (const m of moved) expect((await assignment(m.key)).due).toEqual(m.after);
    expect((await assignment('undated')).due).toBeNull();
    // The student's content lists the soonest due first, at its new instant.
    const content = (await http().get(`/organizations/${orgId}/members/${student}/content`).set(as(admin))).body;
    expect(content.items[0].nextDueAt).toBe('2030-03-06T22:00:00.000Z');
    const audit = (await http().get(`/organizations/${orgId}/audit`).set(as(admin)).query({ pageSize: 100 })).body.items as { type: string; changes?: unknown; summary: string }[];
    expect(audit.find((e) => e.type === 'OrganizationSettingsUpdated')!.changes).toEqual([{ field: 'timeZone', before: 'Europe/London', after: 'America/New_York' }]);
    expect(audit.find((e) => e.type === 'DueDatesRescheduled')!.summary).toBe('Moved the due dates of 3 assignments to America/New_York, each at the same local date and time');
    // Again: nothing left to move.
    expect((await change({ timeZone: 'America/New_York' })).body.timeZoneChange).toBeUndefined();
  });

  test('the day closing follows New York from the next day: the 23-hour Mar 8, 2026 closes at 04:00 UTC, not at London\'s midnight', async () => {
    // Stored after the change, so dated in New York: 04:30Z is Mar 7 there (closed already: a late record), 05:30Z and 03:30Z (next day) are Mar 8.
    await sendStatements(['2026-03-08T04:30:00Z', '2026-03-08T05:30:00Z', '2026-03-09T03:30:00Z']);
    expect(await job().closeDue(new Date('2026-03-09T00:00:30Z'))).toBe(0); // London's midnight: 19:00 in New York
    expect(await job().closeDue(new Date('2026-03-09T03:59:00Z'))).toBe(0); // 23:59 EDT
    expect(await job().closeDue(new Date('2026-03-09T04:00:30Z'))).toBe(1); // 00:00:30 EDT on Mar 9
    const days = await closedDays();
    expect(days.map((d) => [d.date, d.timeZone, d.statements])).toEqual([
      ['2026-03-06', 'Europe/London', 1],
      ['2026-03-07', 'Europe/London', 1],
      ['2026-03-08', 'America/New_York', 2],
    ]);
  });

  test('a change whose request died before the due dates moved: the library\'s reactor moves them', async () => {
    // The organization's change alone, as a request that crashed right after its append leaves it.
    const now = new Date().toISOString();
    const metadata = { actor: SYSTEM_ACTOR, now, correlationId: 'crashed-change', causationId: 'crashed-change' };
    const result = await t.app.get(CommandBus).execute(toOrganization(orgId, { type: 'UpdateOrganizationSettings', data: { timeZone: 'Asia/Tokyo' } }, metadata));
    expect(await t.app.get(LibraryFollowsOrganization).reached(result.position)).toBe(true);
    // Tokyo is UTC+9 all year.
    expect((await assignment('class')).due).toEqual({ date: '2030-03-06', time: '17:00', timeZone: 'Asia/Tokyo', at: '2030-03-06T08:00:00.000Z' });
    expect((await assignment('skipped')).due).toEqual({ date: '2030-03-10', time: '02:30', timeZone: 'Asia/Tokyo', at: '2030-03-09T17:30:00.000Z' });
  });

  test('an assignment decided on the zone from before a change, appended after it: the reactor moves it too', async () => {
    const now = new Date().toISOString();
    const metadata = { actor: SYSTEM_ACTOR, now, correlationId: 'late-assignment', causationId: 'late-assignment' };
    assignments.late = '00000000-0000-4000-8000-000000000022';
    const due = { date: '2030-03-20', time: '17:00', timeZone: 'America/New_York', at: '2030-03-20T21:00:00.000Z' };
    const command = { type: 'AssignActivity' as const, data: { organizationId: orgId, assignmentId: assignments.late, activityId, target: { kind: 'members' as const, userIds: [student] }, learners: [student], due, now } };
    const result = await t.app.get(CommandBus).execute(toLibrary(orgId, command, metadata));
    expect(await t.app.get(LibraryFollowsOrganization).reached(result.position)).toBe(true);
    expect((await assignment('late')).due).toEqual({ date: '2030-03-20', time: '17:00', timeZone: 'Asia/Tokyo', at: '2030-03-20T08:00:00.000Z' });
  });
});
