import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ImportsService } from '../../apps/command-api/src/members/importing/imports.service.js';
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
  }, 60_000);

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


describe('CSV import with a dry run', () => {
  let importOrg: string;
  let importAdmin: string;
  const upload = (csv: string | Buffer, auth = importAdmin, org = () => importOrg) =>
    http().post(`/organizations/${org()}/imports`).query({ fileName: 'roster.csv' }).set('Authorization', auth).set('Content-Type', 'text/csv').send(Buffer.isBuffer(csv) ? csv : Buffer.from(csv));
  const viewImport = (id: string) => http().get(`/organizations/${importOrg}/imports/${id}`).set('Authorization', importAdmin);
  const applyImport = (id: string) => http().post(`/organizations/${importOrg}/imports/${id}/apply`).set('Authorization', importAdmin);
  async function applied(id: string) {
    const service = t.app.get(ImportsService);
    await service.settled(id);
    const view = await viewImport(id);
    expect(view.body.status).toBe('applied');
    await t.infra.runner!.catchUp(30_000);
    return view.body;
  }
  const users = async () => (await http().get(`/organizations/${importOrg}/users`).query({ pageSize: 100 }).set('Authorization', importAdmin)).body;
  const revision = async () => (await t.infra.eventStore.readStream(`organization-${importOrg}`)).length;

  beforeAll(async () => {
    importOrg = (await http().post('/organizations').set('Authorization', root).send({ name: 'Import District', timeZone: 'America/Chicago' })).body.id;
    await inviteAndSetUp(t, root, importOrg, { email: 'admin@import.test', roles: ['admin'] }, PASSWORD);
    await inviteAndSetUp(t, root, importOrg, { email: 'kept@import.test', firstName: 'Kay', lastName: 'Kept', roles: ['member'] }, PASSWORD);
    await inviteAndSetUp(t, root, importOrg, { email: 'moved@import.test', firstName: 'Mo', lastName: 'Old', roles: ['member'] }, PASSWORD);
    importAdmin = await t.login('admin@import.test', PASSWORD);
    const science = await http().post(`/organizations/${importOrg}/departments`).set('Authorization', importAdmin).send({ name: 'Science' });
    await http().post(`/organizations/${importOrg}/teams`).set('Authorization', importAdmin).send({ name: 'Biology 7', departmentId: science.body.id });
    await http().post(`/organizations/${importOrg}/teams`).set('Authorization', importAdmin).send({ name: 'Choir' });
  }, 60_000);

  test('the dry run: a semicolon file with a BOM and spelled-out headers; each row create, update (before and after), unchanged or error with its line; nothing changes yet', async () => {
    const csv = [
      'E-Mail;First Name;Last Name;Roles;Teams;Department',
      'ana@import.test;Ana;Alves;;Biology 7;Science',
      'kept@import.test;Kay;Kept;member;;',
      'moved@import.test;;New;member|instructor;Choir;',
      'broken-address;Bad;Row;;;',
      'ana@import.test;Ana;Again;;;',
      'tom@import.test;Tom;Tate;teacher;;',
      '"quoted@import.test";"Zoë; the second";"O\'Neil";member;"Choir|Biology 7";',
    ].join('\r\n');
    const before = await revision();
    const response = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
    expect(response.status).toBe(201);
    expect(response.body.totals).toEqual({ rows: 7, create: 2, update: 1, unchanged: 1, error: 3 });
    expect(response.body.rows.map((r: { line: number; action: string }) => [r.line, r.action])).toEqual([
      [2, 'create'],
      [3, 'unchanged'],
      [4, 'update'],
      [5, 'error'],
      [6, 'error'],
      [7, 'error'],
      [8, 'create'],
    ]);
    expect(response.body.rows[2].changes).toEqual({
      lastName: { before: 'Old', after: 'New' },
      roles: { before: ['member'], after: ['instructor', 'member'] },
      teams: { before: [], after: [expect.any(String)] },
    });
    expect(response.body.rows[6].target).toMatchObject({ firstName: 'Zoë; the second', lastName: "O'Neil", roles: ['member'] });
    expect(response.body.errors.map((r: { line: number; errors: { field: string; message: string }[] }) => [r.line, r.errors])).toEqual([
      [5, [{ field: 'email', message: 'email must be a valid address' }]],
      [6, [{ field: 'email', message: 'this email is also on line 2; each person once' }]],
      [7, [{ field: 'roles', message: expect.stringContaining('roles must be') }]],
    ]);
    // A dry run changes no member: the organization's stream is as it was.
    expect(await revision()).toBe(before);
    const errorsOnly = await http().get(`/organizations/${importOrg}/imports/${response.body.id}/rows`).query({ action: 'error' }).set('Authorization', importAdmin);
    expect(errorsOnly.body.total).toBe(3);
  });

  test('apply does exactly what the dry run showed, in the background, then applying again changes nothing; the same file uploaded again plans nothing to do', async () => {
    const csv = ['email,first name,last name,roles,teams', 'ben@import.test,Ben,Berg,member,Choir', 'cleo@import.test,Cleo,Cruz,instructor,', 'moved@import.test,,Newer,,', 'not-valid,X,Y,,'].join('\n');
    const dry = await upload(csv);
    expect(dry.body.totals).toEqual({ rows: 4, create: 2, update: 1, unchanged: 0, error: 1 });
    const started = await applyImport(dry.body.id);
    expect(started.status).toBe(202);
    expect(['applying', 'applied']).toContain(started.body.status);
    const done = await applied(dry.body.id);
    expect(done).toMatchObject({ processed: 4, total: 4, created: 2, updated: 1, failures: [] });

    const listed = await users();
    const byEmail = new Map(listed.items.map((u: { email: string }) => [u.email, u]));
    expect(byEmail.get('ben@import.test')).toMatchObject({ firstName: 'Ben', lastName: 'Berg', roles: ['member'], status: 'setupPending' });
    expect(byEmail.get('cleo@import.test')).toMatchObject({ roles: ['instructor'] });
    expect(byEmail.get('moved@import.test')).toMatchObject({ firstName: 'Mo', lastName: 'Newer' });
    expect(byEmail.has('not-valid')).toBe(false);
    expect((byEmail.get('ben@import.test') as { teamIds: string[] }).teamIds).toHaveLength(1);
    await smtp.waitFor('ben@import.test');

    const revisionAfter = await revision();
    expect((await applyImport(dry.body.id)).body.status).toBe('applied');
    const again = await upload(csv);
    expect(again.body.totals).toEqual({ rows: 4, create: 0, update: 0, unchanged: 3, error: 1 });
    await applyImport(again.body.id);
    await applied(again.body.id);
    expect(await revision()).toBe(revisionAfter);
  });

  test('when the organization changed since the dry run in a way that alters the plan, apply is refused with 409 naming the lines', async () => {
    const dry = await upload('email,first name,last name\ndrift@import.test,Dee,Rift\nsteady@import.test,Stan,Dee\n');
    expect(dry.body.totals.create).toBe(2);
    // Meanwhile the address joins another organization.
    await inviteAndSetUp(t, root, otherOrgId, { email: 'drift@import.test', roles: ['member'] }, PASSWORD);
    const refused = await applyImport(dry.body.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('import-plan-changed');
    expect(refused.body.lines).toEqual([2]);
    expect((await viewImport(dry.body.id)).body.status).toBe('planned');
  });

  test('an apply that stops resumes where it was; rows done in between are not done twice', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => `resume${i}@import.test,Re${i},Sume,member,`);
    const dry = await upload(['email,first name,last name,roles,teams', ...rows].join('\n'));
    expect([dry.status, dry.body.totals?.create]).toEqual([201, 1_200]);
    const service = t.app.get(ImportsService) as unknown as { stopping: boolean };
    // The process "stops" after its first batch of 500 rows.
    await applyImport(dry.body.id);
    service.stopping = true;
    await t.app.get(ImportsService).settled(dry.body.id);
    service.stopping = false;
    const stopped = (await viewImport(dry.body.id)).body;
    expect(stopped).toMatchObject({ status: 'applying', processed: 500, running: false });
    // A row of the next batch was done meanwhile (as if the crash came after its append).
    expect((await http().post(`/organizations/${importOrg}/users`).set('Authorization', importAdmin).send({ email: 'resume600@import.test', firstName: 'Re600', lastName: 'Sume', roles: ['member'] })).status).toBe(201);

    expect((await applyImport(dry.body.id)).status).toBe(202);
    const done = await applied(dry.body.id);
    expect(done.failures).toEqual([]);
    const list = await http().get(`/organizations/${importOrg}/users`).query({ search: 'Sume', pageSize: 10 }).set('Authorization', importAdmin);
    expect(list.body.total).toBe(1_200);
    const invitations = (await t.infra.eventStore.readStream(`organization-${importOrg}`)).filter((e) => e.type === 'UserInvited' && String((e.data as { email: string }).email).startsWith('resume'));
    expect(invitations).toHaveLength(1_200);
  }, 120_000);

  test('a file that cannot be read is refused with what to fix', async () => {
    const noEmail = await upload('name,phone\nAna,123\n');
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.errors[0].message).toMatch(/the file needs an email column/);
    const unterminated = await upload('email,first name\n"ana@import.test,Ana\n');
    expect(unterminated.status).toBe(400);
    expect(unterminated.body.code).toBe('validation-failed');
    const json = await http().post(`/organizations/${importOrg}/imports`).set('Authorization', importAdmin).send({ email: 'x' });
    expect(json.status).toBe(415);
    const empty = await upload('email\n');
    expect(empty.body.errors).toEqual([{ field: 'file', message: 'the file has a header and no rows' }]);
  });
});
