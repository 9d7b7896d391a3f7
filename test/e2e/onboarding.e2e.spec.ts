import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { inviteAndSetUp } from '../support/members.js';
import { startSmtpServer } from '../support/smtp.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Onboarding at scale (issue 17; multi-tenant guide, Adding Members): many invitations in
 * one request, each with its own outcome, by the rules of a single invitation.
 */
let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let root: string;
let orgId: string;
let otherOrgId: string;
let admin: string;
const PASSWORD = 'onboarding-password-1';

const http = () => t.http();

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ SMTP_URL: smtp.url, LOGIN_MAX_FAILURES_PER_IP: '1000' });
  root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Lakeshore School District', timeZone: 'America/Chicago' })).body.id;
  otherOrgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Neighbour District', timeZone: 'America/Chicago' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@lakeshore.test', roles: ['admin'] }, PASSWORD);
  await inviteAndSetUp(t, root, orgId, { email: 'already@lakeshore.test', roles: ['member'] }, PASSWORD);
  await inviteAndSetUp(t, root, otherOrgId, { email: 'taken@neighbour.test', roles: ['member'] }, PASSWORD);
  admin = await t.login('admin@lakeshore.test', PASSWORD);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('Bulk invitations', () => {
  test('each person gets an outcome in the order sent; the valid ones are invited, into the teams named, and mailed', async () => {
    const team = await http().post(`/organizations/${orgId}/teams`).set('Authorization', admin).send({ name: 'Grade 7' });
    expect(team.status).toBe(201);
    const students = Array.from({ length: 40 }, (_, i) => ({ email: `student${i}@lakeshore.test`, firstName: `Student${i}`, lastName: 'Lake' }));
    const people = [
      ...students.slice(0, 20),
      { email: 'Already@Lakeshore.test', firstName: 'Al', lastName: 'Ready' },
      { email: 'taken@neighbour.test', firstName: 'Tay', lastName: 'Ken' },
      { email: 'not-an-address', firstName: 'No', lastName: 'Mail' },
      { email: 'nameless@lakeshore.test', firstName: '  ', lastName: 'X' },
      { firstName: 'No', lastName: 'Email' },
      { email: 'STUDENT3@lakeshore.test', firstName: 'Twice', lastName: 'Named' },
      ...students.slice(20),
    ];
    const response = await http().post(`/organizations/${orgId}/invitations:bulk`).set('Authorization', admin).send({ people, roles: ['member'], teamIds: [team.body.id] });
    expect(response.status).toBe(200);
    const results = response.body.results as { email: string; outcome: string; userId?: string; errors?: unknown[] }[];
    expect(results).toHaveLength(people.length);
    expect(response.body.invited).toBe(40);
    expect(results.slice(20, 26)).toEqual([
      { email: 'Already@Lakeshore.test', outcome: 'already-member' },
      { email: 'taken@neighbour.test', outcome: 'reserved-elsewhere' },
      { email: 'not-an-address', outcome: 'invalid', errors: [{ field: 'email', message: 'email must be a valid address' }] },
      { email: 'nameless@lakeshore.test', outcome: 'invalid', errors: [{ field: 'firstName', message: 'firstName is required' }] },
      { email: '', outcome: 'invalid', errors: [{ field: 'email', message: 'email is required' }] },
      { email: 'STUDENT3@lakeshore.test', outcome: 'duplicate' },
    ]);
    const invited = results.filter((r) => r.outcome === 'invited');
    expect(invited.map((r) => r.email)).toEqual(students.map((s) => s.email));

    // They are members, setup pending, in the team; the others were not created.
    const list = await http().get(`/organizations/${orgId}/users`).query({ teamId: team.body.id, pageSize: 100, minPosition: response.body.position }).set('Authorization', admin);
    expect(list.body.total).toBe(40);
    expect(new Set(list.body.items.map((u: { status: string }) => u.status))).toEqual(new Set(['setupPending']));
    const all = await http().get(`/organizations/${orgId}/users`).query({ pageSize: 100, minPosition: response.body.position }).set('Authorization', admin);
    expect(all.body.total).toBe(42); // the admin, the member already there, and the 40
    // Each was mailed a setup link.
    await smtp.waitFor('student39@lakeshore.test');
    expect(new Set(smtp.received.filter((m) => m.to[0].startsWith('student')).map((m) => m.to[0])).size).toBe(40);
  });

  test('at most 1,000 people per request; a team of another organization fails the request before anyone is invited', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ email: `many${i}@lakeshore.test`, firstName: 'M', lastName: 'Any' }));
    const refused = await http().post(`/organizations/${orgId}/invitations:bulk`).set('Authorization', admin).send({ people: tooMany, roles: ['member'] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'people', message: 'people may name at most 1000 persons per request' }]);

    const foreign = await http().post(`/organizations/${otherOrgId}/teams`).set('Authorization', root).send({ name: 'Elsewhere' });
    const wrongTeam = await http().post(`/organizations/${orgId}/invitations:bulk`).set('Authorization', admin).send({ people: [{ email: 'solo@lakeshore.test', firstName: 'So', lastName: 'Lo' }], roles: ['member'], teamIds: [foreign.body.id] });
    expect(wrongTeam.status).toBe(404);
    expect(wrongTeam.body.code).toBe('team-not-found');
    const solo = await http().get(`/organizations/${orgId}/users`).query({ search: 'solo@lakeshore.test' }).set('Authorization', admin);
    expect(solo.body.total).toBe(0);
  });

  test('an instructor may not invite in bulk', async () => {
    await inviteAndSetUp(t, root, orgId, { email: 'teacher@lakeshore.test', roles: ['instructor'] }, PASSWORD);
    const teacher = await t.login('teacher@lakeshore.test', PASSWORD);
    const refused = await http().post(`/organizations/${orgId}/invitations:bulk`).set('Authorization', teacher).send({ people: [{ email: 'x@lakeshore.test', firstName: 'X', lastName: 'Y' }], roles: ['member'] });
    expect(refused.status).toBe(403);
  });
});

describe('Bulk changes to a selection of members', () => {
  const bulk = (body: unknown, auth = admin) => http().post(`/organizations/${orgId}/users:bulk`).set('Authorization', auth).send(body as object);
  let ids: string[];
  let teacherId: string;
  let substituteId: string;

  beforeAll(async () => {
    ids = [];
    for (const name of ['Ada', 'Ben', 'Cy']) ids.push(await inviteAndSetUp(t, root, orgId, { email: `${name.toLowerCase()}@bulk.test`, firstName: name, roles: ['member'] }, PASSWORD));
    teacherId = await inviteAndSetUp(t, root, orgId, { email: 'busy@bulk.test', firstName: 'Busy', roles: ['instructor'] }, PASSWORD);
    substituteId = await inviteAndSetUp(t, root, orgId, { email: 'sub@bulk.test', firstName: 'Sub', roles: ['instructor'] }, PASSWORD);
    expect((await http().post(`/organizations/${orgId}/classes`).set('Authorization', admin).send({ name: 'Algebra', instructorId: teacherId })).status).toBe(201);
  });

  test('roles for all at once; each user by the single rules: the admin’s own admin role is refused, the others change', async () => {
    const adminId = (await http().get('/auth/me').set('Authorization', admin)).body.id as string;
    const response = await bulk({ action: 'set-roles', userIds: [...ids, adminId], roles: ['instructor'] });
    expect(response.status).toBe(200);
    expect(response.body.changed).toBe(3);
    expect(response.body.results).toEqual([
      ...ids.map((userId) => ({ userId, outcome: 'changed' })),
      { userId: adminId, outcome: 'refused', code: 'cannot-remove-own-admin-role', message: expect.any(String) },
    ]);
    const again = await bulk({ action: 'set-roles', userIds: ids, roles: ['instructor'] });
    expect(again.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  test('into teams: everyone named joins; someone not in the organization is refused as a single request refuses them (invalid-team)', async () => {
    const team = await http().post(`/organizations/${orgId}/teams`).set('Authorization', admin).send({ name: 'Bulk Team' });
    const stranger = '6c1f4a2e-7d1b-4b7e-9a57-0d7f5c1e2a10';
    const response = await bulk({ action: 'add-to-teams', userIds: [...ids, stranger], teamIds: [team.body.id] });
    expect(response.body.results.map((r: { outcome: string; code?: string }) => [r.outcome, r.code])).toEqual([['changed', undefined], ['changed', undefined], ['changed', undefined], ['refused', 'invalid-team']]);
    const members = await http().get(`/organizations/${orgId}/users`).query({ teamId: team.body.id, minPosition: response.body.position }).set('Authorization', admin);
    expect(members.body.total).toBe(3);
  });

  test('deactivation: sessions end at once; the instructor with a class needs the reassignment target, and gets it', async () => {
    const ada = await t.login('ada@bulk.test', PASSWORD);
    const refused = await bulk({ action: 'deactivate', userIds: [ids[0], teacherId] });
    expect(refused.body.results).toEqual([
      { userId: ids[0], outcome: 'changed' },
      { userId: teacherId, outcome: 'refused', code: 'reassignment-required', message: expect.any(String) },
    ]);
    const ended = await http().get('/auth/me').set('Authorization', ada);
    expect(ended.status).toBe(401);
    expect(ended.body.code).toBe('account-deactivated');

    const moved = await bulk({ action: 'deactivate', userIds: [teacherId], reassignTo: substituteId });
    expect(moved.body.results).toEqual([{ userId: teacherId, outcome: 'changed' }]);
    const classes = await http().get(`/organizations/${orgId}/classes`).query({ minPosition: moved.body.position }).set('Authorization', admin);
    expect(classes.body.items.find((c: { name: string }) => c.name === 'Algebra').instructorId).toBe(substituteId);
  });

  test('the request is checked first: an action’s own fields are required, 1,000 users at most', async () => {
    expect((await bulk({ action: 'set-roles', userIds: ids })).body.errors).toEqual([{ field: 'roles', message: 'roles is required to set roles' }]);
    expect((await bulk({ action: 'promote', userIds: ids })).body.errors).toEqual([{ field: 'action', message: 'action must be one of set-roles, add-to-teams, deactivate' }]);
    const many = Array.from({ length: 1001 }, () => ids[0]);
    expect((await bulk({ action: 'deactivate', userIds: many })).body.errors).toEqual([{ field: 'userIds', message: 'userIds may name at most 1000 users per request' }]);
  });
});

