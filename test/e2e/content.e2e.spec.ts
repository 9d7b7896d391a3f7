import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LibraryFollowsOrganization } from '../../apps/command-api/src/content/following-organization/library-follows-organization.js';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Content (multi-tenant guide: Content Management, and Troubleshooting "Members Can't
 * Access Content"; issue 19), over HTTP: the library, licenses and their seats, assigning
 * to members, a team, a class and everyone, due dates in the organization's time zone,
 * joiners, and the access check with its reasons.
 */
let t: TestApp;
let root: string;
let admin: string;
let instructor: string;
let orgId: string;
let teamId: string;
let classId: string;
const ids: Record<string, string> = {};
const PASSWORD = 'content-password-1';
const http = () => t.http();
const as = (auth: string) => ({ Authorization: auth });
const settings = (body: Record<string, unknown>, auth: string) => http().patch(`/organizations/${orgId}/settings`).set(as(auth)).send(body);
const addActivity = (body: Record<string, unknown>, auth = admin) => http().post(`/organizations/${orgId}/activities`).set(as(auth)).send(body);
const assign = (body: Record<string, unknown>) => http().post(`/organizations/${orgId}/assignments`).set(as(admin)).send(body);
const access = async (userId: string, activityId: string, auth = admin) => (await http().get(`/organizations/${orgId}/members/${userId}/access/${activityId}`).set(as(auth))).body;
const activity = async (id: string, position?: number) => (await http().get(`/organizations/${orgId}/activities/${id}`).query(position ? { minPosition: position } : {}).set(as(admin))).body;

beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000' });
  root = await t.login();
  orgId = (await http().post('/organizations').set(as(root)).send({ name: 'Lakeside Learning', timeZone: 'America/Chicago' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@lakeside.test', roles: ['admin'] }, PASSWORD);
  ids.teacher = await inviteAndSetUp(t, root, orgId, { email: 'teacher@lakeside.test', roles: ['instructor'] }, PASSWORD);
  for (const name of ['ann', 'ben', 'cy', 'dee']) ids[name] = await inviteAndSetUp(t, root, orgId, { email: `${name}@lakeside.test`, roles: ['member'], firstName: name }, PASSWORD);
  ids.auditor = await inviteAndSetUp(t, root, orgId, { email: 'auditor@lakeside.test', roles: ['auditor'] }, PASSWORD);
  admin = await t.login('admin@lakeside.test', PASSWORD);
  instructor = await t.login('teacher@lakeside.test', PASSWORD);
  teamId = (await http().post(`/organizations/${orgId}/teams`).set(as(admin)).send({ name: 'Readers' })).body.id;
  await http().post(`/organizations/${orgId}/teams/${teamId}/members`).set(as(admin)).send({ userIds: [ids.ann, ids.ben] });
  classId = (await http().post(`/organizations/${orgId}/classes`).set(as(admin)).send({ name: 'Reading I', instructorId: ids.teacher })).body.id;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('The content library', () => {
  let greetings: string;
  let verbs: string;

  test('private activities need activity authoring, licensed ones the marketplace: off until a super admin allows them and an admin turns them on', async () => {
    const refused = await addActivity({ title: 'Greetings', activityIri: 'https://lakeside.test/activities/greetings', kind: 'private' });
    expect([refused.status, refused.body.code, refused.body.feature]).toEqual([409, 'feature-off', 'activityAuthoring']);
    expect((await settings({ allowances: { features: { activityAuthoring: true, marketplace: true } } }, root)).status).toBe(200);
    expect((await settings({ features: { activityAuthoring: true, marketplace: true } }, admin)).status).toBe(200);
    const added = await addActivity({ title: 'Greetings', category: 'Basics', activityIri: 'https://lakeside.test/activities/greetings', kind: 'private' });
    expect(added.status).toBe(201);
    greetings = added.body.id;
    const licensed = await addActivity({ title: 'Verbs', category: 'Grammar', activityIri: 'https://market.test/verbs', kind: 'licensed', license: { seats: 3, expiresAt: '2099-01-01T00:00:00Z' } });
    expect(licensed.status).toBe(201);
    verbs = licensed.body.id;
    expect(await activity(verbs, licensed.body.position)).toMatchObject({ title: 'Verbs', kind: 'licensed', status: 'active', license: { seats: 3, expiresAt: '2099-01-01T00:00:00.000Z', seatsUsed: 0 }, usage: { assigned: 0 } });
  });

  test('refused: a relative IRI, an IRI taken, a licensed activity without a license; instructors read the library and cannot add to it', async () => {
    const bad = await addActivity({ title: 'X', activityIri: '/relative', kind: 'licensed' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['activityIri', 'license']);
    expect((await addActivity({ title: 'Again', activityIri: 'https://lakeside.test/activities/greetings', kind: 'private' })).body.code).toBe('activity-iri-taken');
    expect((await http().get(`/organizations/${orgId}/activities`).set(as(instructor))).body.total).toBe(2);
    expect((await addActivity({ title: 'Mine', activityIri: 'https://lakeside.test/mine', kind: 'private' }, instructor)).status).toBe(403);
  });

  test('organized by category; searched by title', async () => {
    const categories = await http().get(`/organizations/${orgId}/activities/categories`).set(as(admin));
    expect(categories.body.items).toEqual([
      { category: 'Basics', activities: 1 },
      { category: 'Grammar', activities: 1 },
    ]);
    expect((await http().get(`/organizations/${orgId}/activities`).query({ category: 'Grammar' }).set(as(admin))).body.items.map((a: { title: string }) => a.title)).toEqual(['Verbs']);
    expect((await http().get(`/organizations/${orgId}/activities`).query({ search: 'greet' }).set(as(admin))).body.items.map((a: { title: string }) => a.title)).toEqual(['Greetings']);
  });

  describe('assigning', () => {
    test('to a team, due on a day in the organization’s time zone: its members now, and the usage counts them', async () => {
      const assigned = await assign({ activityId: greetings, target: { kind: 'team', teamId }, dueDate: '2099-03-08', dueTime: '02:30' });
      expect(assigned.status).toBe(201);
      const detail = (await http().get(`/organizations/${orgId}/assignments/${assigned.body.id}`).query({ minPosition: assigned.body.position }).set(as(admin))).body;
      expect(detail.learnerIds.sort()).toEqual([ids.ann, ids.ben].sort());
      // 02:30 on the day Chicago springs forward does not exist on the clock: it is 03:30 CDT, 08:30 UTC.
      expect(detail.due).toEqual({ date: '2099-03-08', time: '02:30', timeZone: 'America/Chicago', at: '2099-03-08T08:30:00.000Z' });
      expect((await activity(greetings)).usage).toEqual({ assigned: 2, started: 0, completed: 0 });
      expect((await access(ids.ann, greetings)).canAccess).toBe(true);
    });

    test('someone who joins the team later receives its open assignment (until it is due)', async () => {
      const joined = await http().post(`/organizations/${orgId}/teams/${teamId}/members`).set(as(admin)).send({ userIds: [ids.cy] });
      expect(joined.status).toBe(200);
      expect(await t.app.get(LibraryFollowsOrganization).reached(joined.body.position)).toBe(true);
      await t.infra.runner!.catchUp(15_000);
      const list = (await http().get(`/organizations/${orgId}/assignments`).query({ userId: ids.cy }).set(as(admin))).body;
      expect(list.items.map((a: { activityId: string }) => a.activityId)).toEqual([greetings]);
      expect((await access(ids.cy, greetings)).canAccess).toBe(true);
      const audit = (await http().get(`/organizations/${orgId}/audit`).query({ type: 'AssignmentExtended' }).set(as(admin))).body.items;
      expect(audit[0].summary).toBe(`cy X <cy@lakeside.test> joined and received the assignment of "Greetings"`);
      // On behalf of whoever added cy to the team, caused by that join.
      expect(audit[0].actor).toMatchObject({ kind: 'member', email: 'admin@lakeside.test' });
    });

    test('a licensed activity within its seats; beyond them refused with the numbers; a joiner without a seat waits', async () => {
      const two = await assign({ activityId: verbs, target: { kind: 'members', userIds: [ids.ann, ids.ben] } });
      expect(two.status).toBe(201);
      const over = await assign({ activityId: verbs, target: { kind: 'everyone' } });
      // everyone who learns: teacher, ann, ben, cy, dee (the admin too; not the auditor): 3 more than the 1 seat left.
      expect([over.status, over.body.code, over.body.seats, over.body.used, over.body.requested]).toEqual([409, 'license-seats-exceeded', 3, 2, 4]);
      const team = await assign({ activityId: verbs, target: { kind: 'team', teamId } });
      expect(team.status).toBe(201); // ann, ben hold seats already; cy takes the third
      expect((await activity(verbs, team.body.position)).license.seatsUsed).toBe(3);
      const joined = await http().post(`/organizations/${orgId}/teams/${teamId}/members`).set(as(admin)).send({ userIds: [ids.dee] });
      expect(await t.app.get(LibraryFollowsOrganization).reached(joined.body.position)).toBe(true);
      await t.infra.runner!.catchUp(15_000);
      const detail = (await http().get(`/organizations/${orgId}/assignments/${team.body.id}`).set(as(admin))).body;
      expect(detail.waitingForSeat).toEqual([ids.dee]);
      expect((await access(ids.dee, verbs)).reasons.map((r: { reason: string }) => r.reason)).toEqual(['not-assigned', 'no-seat']);
      // dee did receive the private activity's open assignment to the team.
      expect((await access(ids.dee, greetings)).canAccess).toBe(true);
    });

    test("a class's students, and everyone who learns", async () => {
      const students = await http().post(`/organizations/${orgId}/classes/${classId}/students`).set(as(instructor)).send({ userIds: [ids.dee] });
      expect(students.status).toBe(200);
      expect((await http().get(`/organizations/${orgId}/classes/${classId}`).query({ minPosition: students.body.position }).set(as(admin))).body.studentIds).toEqual([ids.dee]);
      const toClass = await assign({ activityId: greetings, target: { kind: 'class', classId } });
      expect(toClass.status).toBe(201);
      const everyone = await assign({ activityId: greetings, target: { kind: 'everyone' } });
      const detail = (await http().get(`/organizations/${orgId}/assignments/${everyone.body.id}`).query({ minPosition: everyone.body.position }).set(as(admin))).body;
      expect(detail.learnerIds).not.toContain(ids.auditor);
      expect(detail.learnerIds).toEqual(expect.arrayContaining([ids.teacher, ids.ann, ids.ben, ids.cy, ids.dee]));
    });
  });

  describe('The content a member has (a member sees their content and their progress)', () => {
    const content = (userId: string, auth: string) => http().get(`/organizations/${orgId}/members/${userId}/content`).set(as(auth));

    test('each activity once, the soonest due first, with how it reached them, whether they can reach it, and when they started and completed it', async () => {
      // ann completes Verbs, reported over xAPI by the learning content.
      const issued = (await http().post(`/organizations/${orgId}/xapi/credentials`).set(as(admin)).send({ name: 'Player' })).body;
      const sent = await http()
        .post('/xapi/statements')
        .set({ Authorization: `Basic ${Buffer.from(`${issued.key}:${issued.secret}`).toString('base64')}`, 'X-Experience-API-Version': '1.0.3' })
        .send({ actor: { mbox: 'mailto:ann@lakeside.test' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://market.test/verbs' }, timestamp: '2026-11-30T10:00:00Z' });
      expect(sent.status).toBe(200);
      await t.infra.runner!.catchUp(15_000);

      const ann = await t.login('ann@lakeside.test', PASSWORD);
      const own = await content(ids.ann, ann);
      expect(own.status).toBe(200);
      expect(own.body.total).toBe(2);
      const [first, second] = own.body.items;
      // Greetings: through the team (due 8 March 2099, 02:30 Chicago) and everyone; Verbs: named, and through the team; no due date.
      expect([first.activity.title, first.nextDueAt, first.assignments.map((a: { via: string }) => a.via)]).toEqual(['Greetings', '2099-03-08T08:30:00.000Z', ['team', 'everyone']]);
      expect([second.activity.title, second.nextDueAt, second.assignments.map((a: { via: string }) => a.via)]).toEqual(['Verbs', null, ['members', 'team']]);
      expect([first.access.canAccess, second.access.canAccess]).toEqual([true, true]);
      expect([first.startedAt, first.completedAt]).toEqual([null, null]);
      expect(second.completedAt).toBe('2026-11-30T10:00:00.000Z');
      // dee waits for a seat of Verbs: only what reaches her is listed.
      expect((await content(ids.dee, admin)).body.items.map((i: { activity: { title: string } }) => i.activity.title)).toEqual(['Greetings']);
      expect((await content(ids.ann, ann)).status).toBe(200);
      const dee = await t.login('dee@lakeside.test', PASSWORD);
      const other = await content(ids.ann, dee);
      expect([other.status, other.body.code]).toEqual([403, 'forbidden']);
    });
  });

  describe("Members can't access content: every reason named", () => {
    test('the role, the membership, the organization', async () => {
      expect((await access(ids.auditor, greetings)).reasons.map((r: { reason: string }) => r.reason)).toEqual(['role', 'not-assigned']);
      expect((await http().post(`/organizations/${orgId}/users/${ids.ben}/deactivate`).set(as(admin)).send({})).status).toBe(200);
      expect((await access(ids.ben, greetings)).reasons.map((r: { reason: string }) => r.reason)).toEqual(['membership-not-active']);
      expect((await http().post(`/organizations/${orgId}/arrears`).set(as(root))).status).toBe(200);
      // The arrears signed the admins out too: a super admin checks.
      expect((await access(ids.ann, greetings, root)).reasons.map((r: { reason: string }) => r.reason)).toEqual(['organization-suspended']);
      expect((await http().delete(`/organizations/${orgId}/arrears`).set(as(root))).status).toBe(200);
      admin = await t.login('admin@lakeside.test', PASSWORD);
      expect((await access(ids.ann, greetings)).canAccess).toBe(true);
    });
  });

  test('retire once used (removal refused); a retired activity is no longer assigned; an unused one is removed', async () => {
    expect((await http().delete(`/organizations/${orgId}/activities/${greetings}`).set(as(admin))).body.code).toBe('activity-in-use');
    expect((await http().post(`/organizations/${orgId}/activities/${greetings}/retire`).set(as(admin))).status).toBe(200);
    expect((await assign({ activityId: greetings, target: { kind: 'everyone' } })).body.code).toBe('activity-retired');
    const unused = await addActivity({ title: 'Spare', activityIri: 'https://lakeside.test/spare', kind: 'private' });
    expect((await http().delete(`/organizations/${orgId}/activities/${unused.body.id}`).set(as(admin))).status).toBe(200);
    const audit = (await http().get(`/organizations/${orgId}/audit`).query({ type: 'ActivityAssigned' }).set(as(admin))).body.items;
    expect(audit.at(-1).summary).toBe(`Assigned "Greetings" to team "Readers" (2 learners), due 2099-03-08 02:30 America/Chicago`);
  });
});
