import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A company built through the HTTP API as the multi-tenant guide describes it
 * ("Hierarchy", "Teams", "Departments", "Member Roles"): an owner, an admin, two
 * departments each with a department admin, four teams with their leaders, twenty
 * members, then every filter of the member list and every refusal of the role table.
 *
 *   Engineering (Dora)                  Sales (Sam)
 *   ├── team Platform (Lee): 5          ├── team Field Sales (Fay): 4
 *   └── team Frontend: 4 (Kim also      └── team Partnerships: 3
 *       in Platform)
 */
let t: TestApp;
let root: string;
let orgId: string;
let otherOrgId: string;
const PASSWORD = 'structure-password-1';
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};
const unit: Record<string, string> = {};

const as = (name: string) => tokens[name];
const http = () => t.http();
const names = (items: { firstName: string }[]) => items.map((i) => i.firstName).sort();

async function users(query: string, who = 'Ann') {
  const response = await http().get(`/organizations/${orgId}/users?pageSize=100&${query}`).set('Authorization', as(who));
  expect(response.status).toBe(200);
  return response.body as { items: { firstName: string; teamIds: string[] }[]; total: number };
}

async function person(name: string, roles: string[]) {
  ids[name] = await inviteAndSetUp(t, root, orgId, { email: `${name.toLowerCase()}@acme.test`, firstName: name, lastName: 'Acme', roles }, PASSWORD);
  tokens[name] = await t.login(`${name.toLowerCase()}@acme.test`, PASSWORD);
}

async function create(kind: 'departments' | 'teams', who: string, body: Record<string, unknown>) {
  return http().post(`/organizations/${orgId}/${kind}`).set('Authorization', as(who)).send(body);
}

beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000' });
  root = await t.login();
  tokens.root = root;
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Acme Corporation', timeZone: 'Europe/Berlin' })).body.id;
  otherOrgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Other Company', timeZone: 'UTC' })).body.id;
  // The owner is named by the super admin (the guide: the creator becomes owner only when a super admin names them).
  await person('Olga', ['owner']);
  await person('Ann', ['admin']);
  // Twenty members: leaders first, then the rest.
  const members = ['Dora', 'Sam', 'Lee', 'Fay', 'Kim', 'Max', 'Mia', 'Ned', 'Ola', 'Pia', 'Rex', 'Sue', 'Tom', 'Uma', 'Vic', 'Wes', 'Xia', 'Yan', 'Zed', 'Bea'];
  for (const name of members) await person(name, name === 'Bea' ? ['instructor'] : ['member']);
  tokens.other = await (async () => {
    await inviteAndSetUp(t, root, otherOrgId, { email: 'admin@other.test', roles: ['admin'] }, PASSWORD);
    return t.login('admin@other.test', PASSWORD);
  })();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('Building the company', () => {
  test('an admin creates two departments with their department admins', async () => {
    const eng = await create('departments', 'Ann', { name: 'Engineering', description: 'Builds the product', leaderIds: [ids.Dora] });
    const sales = await create('departments', 'Ann', { name: 'Sales', leaderIds: [ids.Sam] });
    expect([eng.status, sales.status]).toEqual([201, 201]);
    unit.eng = eng.body.id;
    unit.sales = sales.body.id;
  });

  test('each department admin creates the teams of their own department, with a team leader', async () => {
    const platform = await create('teams', 'Dora', { name: 'Platform', departmentId: unit.eng, leaderIds: [ids.Lee] });
    const frontend = await create('teams', 'Dora', { name: 'Frontend', departmentId: unit.eng });
    const field = await create('teams', 'Sam', { name: 'Field Sales', departmentId: unit.sales, leaderIds: [ids.Fay] });
    const partners = await create('teams', 'Sam', { name: 'Partnerships', departmentId: unit.sales });
    expect([platform.status, frontend.status, field.status, partners.status]).toEqual([201, 201, 201, 201]);
    Object.assign(unit, { platform: platform.body.id, frontend: frontend.body.id, field: field.body.id, partners: partners.body.id });
  });

  test('leaders fill their teams; a member may be in several teams', async () => {
    const add = (who: string, team: string, people: string[]) =>
      http().post(`/organizations/${orgId}/teams/${unit[team]}/members`).set('Authorization', as(who)).send({ userIds: people.map((p) => ids[p]) });
    // A team leader for their own team, a department admin for a team of theirs, an admin for any.
    expect((await add('Lee', 'platform', ['Lee', 'Kim', 'Max', 'Mia', 'Ned'])).status).toBe(200);
    expect((await add('Dora', 'frontend', ['Kim', 'Ola', 'Pia', 'Rex'])).status).toBe(200);
    expect((await add('Fay', 'field', ['Fay', 'Sue', 'Tom', 'Uma'])).status).toBe(200);
    expect((await add('Ann', 'partners', ['Vic', 'Wes', 'Xia'])).status).toBe(200);
    // Adding someone already in the team adds nothing, and says so with an unchanged version.
    const again = await add('Lee', 'platform', ['Kim']);
    expect(again.status).toBe(200);
  });
});

describe('The structure', () => {
  test('GET /structure answers the tree with counts: teams and people under each department, each person once', async () => {
    const response = await http().get(`/organizations/${orgId}/structure`).set('Authorization', as('Zed'));
    expect(response.status).toBe(200);
    const [eng, sales] = response.body.departments;
    expect(eng).toMatchObject({ name: 'Engineering', description: 'Builds the product', leaderIds: [ids.Dora], teamCount: 2, memberCount: 8 });
    expect(eng.teams.map((x: { name: string; memberCount: number }) => [x.name, x.memberCount])).toEqual([['Frontend', 4], ['Platform', 5]]);
    expect(sales).toMatchObject({ name: 'Sales', teamCount: 2, memberCount: 7 });
    expect(response.body.teams).toEqual([]);
    expect(response.body.totals).toEqual({ departments: 2, teams: 4, membersInTeams: 15 });
  });

  test('the member list filters by team, by department (its teams), by role and by status, as the guide\'s "Filter by team/role"', async () => {
    expect(names((await users(`teamId=${unit.platform}`)).items)).toEqual(['Kim', 'Lee', 'Max', 'Mia', 'Ned']);
    expect(names((await users(`departmentId=${unit.eng}`)).items)).toEqual(['Kim', 'Lee', 'Max', 'Mia', 'Ned', 'Ola', 'Pia', 'Rex']);
    expect((await users(`departmentId=${unit.sales}`)).total).toBe(7);
    expect(names((await users('role=instructor')).items)).toEqual(['Bea']);
    expect(names((await users('role=owner')).items)).toEqual(['Olga']);
    expect((await users('role=member')).total).toBe(19);
    expect(names((await users(`teamId=${unit.frontend}&search=ki`)).items)).toEqual(['Kim']);
    const kim = (await users(`teamId=${unit.frontend}&search=kim`)).items[0];
    expect(kim.teamIds.sort()).toEqual([unit.platform, unit.frontend].sort());
  });

  test('a status filter shows deactivated members, who stay in their teams', async () => {
    expect((await http().post(`/organizations/${orgId}/users/${ids.Rex}/deactivate`).set('Authorization', as('Ann')).send({})).status).toBe(200);
    expect(names((await users('status=deactivated')).items)).toEqual(['Rex']);
    expect(names((await users(`teamId=${unit.frontend}`)).items)).toEqual(['Kim', 'Ola', 'Pia']);
    expect(names((await users(`teamId=${unit.frontend}&showDeactivated=true`)).items)).toEqual(['Kim', 'Ola', 'Pia', 'Rex']);
  });

  test('a filter value that is not an id or a role is a 400 with the field', async () => {
    const bad = await http().get(`/organizations/${orgId}/users?teamId=nope&role=boss`).set('Authorization', as('Ann'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['role', 'teamId']);
  });

  test('a team leader lists their own team; another team is not theirs (403)', async () => {
    const own = await http().get(`/organizations/${orgId}/teams/${unit.platform}/members`).set('Authorization', as('Lee'));
    expect(own.status).toBe(200);
    expect(own.body.total).toBe(5);
    const other = await http().get(`/organizations/${orgId}/teams/${unit.frontend}/members`).set('Authorization', as('Lee'));
    expect(other.status).toBe(403);
  });
});

describe('Refusals of the role table', () => {
  test('a department admin outside their department: 403; inside: allowed', async () => {
    expect((await create('teams', 'Dora', { name: 'Inside Sales', departmentId: unit.sales })).status).toBe(403);
    expect((await http().patch(`/organizations/${orgId}/teams/${unit.field}`).set('Authorization', as('Dora')).send({ name: 'Field' })).status).toBe(403);
    expect((await http().patch(`/organizations/${orgId}/departments/${unit.sales}`).set('Authorization', as('Dora')).send({ description: 'x' })).status).toBe(403);
    // The department that makes her a department admin is decided one level up.
    const ownLeaders = await http().patch(`/organizations/${orgId}/departments/${unit.eng}`).set('Authorization', as('Dora')).send({ leaderIds: [ids.Dora, ids.Max] });
    expect(ownLeaders.status).toBe(403);
    expect(ownLeaders.body.code).toBe('forbidden');
    const sub = await create('departments', 'Dora', { name: 'Research', parentId: unit.eng });
    expect(sub.status).toBe(201);
    unit.research = sub.body.id;
  });

  test('a team leader changes only who is in their team', async () => {
    const otherTeam = await http().post(`/organizations/${orgId}/teams/${unit.frontend}/members`).set('Authorization', as('Lee')).send({ userIds: [ids.Max] });
    expect(otherTeam.status).toBe(403);
    expect((await http().patch(`/organizations/${orgId}/teams/${unit.platform}`).set('Authorization', as('Lee')).send({ name: 'Core' })).status).toBe(403);
    const removed = await http().delete(`/organizations/${orgId}/teams/${unit.platform}/members/${ids.Ned}`).set('Authorization', as('Lee'));
    expect(removed.status).toBe(200);
    expect(names((await users(`teamId=${unit.platform}`)).items)).toEqual(['Kim', 'Lee', 'Max', 'Mia']);
  });

  test('a plain member or an instructor changes nothing (403); another organization is not found (404)', async () => {
    expect((await create('departments', 'Zed', { name: 'Mine' })).status).toBe(403);
    expect((await create('teams', 'Bea', { name: 'Mine' })).status).toBe(403);
    const foreign = await http().post(`/organizations/${orgId}/departments`).set('Authorization', as('other')).send({ name: 'Theirs' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('organization-not-found');
    const foreignRead = await http().get(`/organizations/${orgId}/structure`).set('Authorization', as('other'));
    expect(foreignRead.status).toBe(404);
  });

  test('names: unique among sibling departments, unique among the organization\'s teams (409)', async () => {
    const twin = await create('departments', 'Ann', { name: 'engineering' });
    expect(twin.status).toBe(409);
    expect(twin.body.code).toBe('department-name-taken');
    const team = await create('teams', 'Ann', { name: 'PLATFORM', departmentId: unit.sales });
    expect(team.status).toBe(409);
    expect(team.body.code).toBe('team-name-taken');
  });

  test('a department with teams or sub-departments is not deleted: 409 with the list; moved away, it is', async () => {
    const refused = await http().delete(`/organizations/${orgId}/departments/${unit.eng}`).set('Authorization', as('Ann'));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('department-not-empty');
    expect(refused.body.departments.map((d: { name: string }) => d.name)).toEqual(['Research']);
    expect(refused.body.teams.map((d: { name: string }) => d.name).sort()).toEqual(['Frontend', 'Platform']);
    // A cycle is refused, a move under another department works.
    const cycle = await http().patch(`/organizations/${orgId}/departments/${unit.eng}`).set('Authorization', as('Ann')).send({ parentId: unit.research });
    expect(cycle.status).toBe(409);
    expect(cycle.body.code).toBe('department-cycle');
    expect((await http().patch(`/organizations/${orgId}/departments/${unit.research}`).set('Authorization', as('Ann')).send({ parentId: unit.sales })).status).toBe(200);
    expect((await http().delete(`/organizations/${orgId}/departments/${unit.research}`).set('Authorization', as('Ann'))).status).toBe(200);
    expect((await http().get(`/organizations/${orgId}/departments/${unit.research}`).set('Authorization', as('Ann'))).status).toBe(404);
  });

  test('a team moves to another department, and the department filter follows it', async () => {
    const moved = await http().patch(`/organizations/${orgId}/teams/${unit.partners}`).set('Authorization', as('Ann')).send({ departmentId: unit.eng });
    expect(moved.status).toBe(200);
    expect((await users(`departmentId=${unit.sales}`)).total).toBe(4);
    expect((await users(`departmentId=${unit.eng}`)).total).toBe(9);
  });

  test('a stale If-Match on a team is a 412, and nothing changes', async () => {
    const current = await http().get(`/organizations/${orgId}/teams/${unit.field}`).set('Authorization', as('Ann'));
    const stale = await http().patch(`/organizations/${orgId}/teams/${unit.field}`).set('Authorization', as('Ann')).set('If-Match', `"${current.body.revision - 1}"`).send({ name: 'Stale' });
    expect(stale.status).toBe(412);
    expect((await http().get(`/organizations/${orgId}/teams/${unit.field}`).set('Authorization', as('Ann'))).body.name).toBe('Field Sales');
  });

  test('deleting a team keeps its members in the organization', async () => {
    expect((await http().delete(`/organizations/${orgId}/teams/${unit.partners}`).set('Authorization', as('Ann'))).status).toBe(200);
    expect((await users('search=wes')).items.map((i) => i.teamIds)).toEqual([[]]);
    expect((await users('')).total).toBe(21); // 22 people, Rex deactivated and hidden
  });
});

describe('Owners', () => {
  test('the last active owner cannot be deactivated (409 last-owner), and an admin cannot touch an owner (403)', async () => {
    const last = await http().post(`/organizations/${orgId}/users/${ids.Olga}/deactivate`).set('Authorization', root).send({});
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('last-owner');
    const byAdmin = await http().patch(`/organizations/${orgId}/users/${ids.Olga}`).set('Authorization', as('Ann')).send({ roles: ['admin'] });
    expect(byAdmin.status).toBe(403);
    const selfPromotion = await http().patch(`/organizations/${orgId}/users/${ids.Ann}`).set('Authorization', as('Ann')).send({ roles: ['owner'] });
    expect(selfPromotion.status).toBe(403);
  });

  test('ownership transfer: one call by the owner; only an owner may make it', async () => {
    expect((await http().post(`/organizations/${orgId}/ownership-transfer`).set('Authorization', as('Ann')).send({ toUserId: ids.Ann })).status).toBe(403);
    const transfer = await http().post(`/organizations/${orgId}/ownership-transfer`).set('Authorization', as('Olga')).send({ toUserId: ids.Ann });
    expect(transfer.status).toBe(200);
    expect(names((await users('role=owner')).items)).toEqual(['Ann']);
    const olga = await http().get(`/organizations/${orgId}/users/${ids.Olga}`).set('Authorization', as('Ann'));
    expect(olga.body.roles).toEqual(['admin']);
    const audit = await http().get(`/organizations/${orgId}/audit?type=UserEdited&pageSize=10`).set('Authorization', as('Ann'));
    expect(audit.status).toBe(200);
    const transfers = audit.body.items.filter((e: { summary: string }) => e.summary.startsWith('Ownership transfer'));
    expect(transfers).toHaveLength(2);
  });
});

describe('Audit and the past', () => {
  test('each structure change is in the audit log with its actor and before/after', async () => {
    const audit = await http().get(`/organizations/${orgId}/audit?type=TeamEdited&pageSize=50`).set('Authorization', as('Ann'));
    expect(audit.status).toBe(200);
    const move = audit.body.items.find((e: { target: { id: string } }) => e.target.id === unit.partners);
    expect(move.actor.id).toBe(ids.Ann);
    expect(move.changes).toEqual([{ field: 'departmentId', before: unit.sales, after: unit.eng }]);
    // A team that still exists is named in the summary by its current name.
    expect((await http().patch(`/organizations/${orgId}/teams/${unit.field}`).set('Authorization', as('Ann')).send({ name: 'Field Sales EMEA' })).status).toBe(200);
    const renamed = await http().get(`/organizations/${orgId}/audit?type=TeamEdited&pageSize=50`).set('Authorization', as('Ann'));
    const entry = renamed.body.items.find((e: { target: { id: string }; changes: { field: string }[] }) => e.target.id === unit.field && e.changes[0]?.field === 'name');
    expect(entry.changes).toEqual([{ field: 'name', before: 'Field Sales', after: 'Field Sales EMEA' }]);
    expect(entry.summary).toBe('Edited team "Field Sales EMEA": name Field Sales → Field Sales EMEA');
    const created = await http().get(`/organizations/${orgId}/audit?type=DepartmentCreated&pageSize=50`).set('Authorization', as('Ann'));
    expect(created.body.items.map((e: { summary: string }) => e.summary)).toContain('Created the department "Engineering"');
  });

  test('the member list as of a past moment shows the teams people were in then', async () => {
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    expect((await http().post(`/organizations/${orgId}/teams/${unit.field}/members`).set('Authorization', as('Ann')).send({ userIds: [ids.Zed] })).status).toBe(200);
    expect((await users('search=zed')).items[0].teamIds).toEqual([unit.field]);
    const then = await users(`search=zed&asOf=${encodeURIComponent(before)}`);
    expect(then.items[0].teamIds).toEqual([]);
    const platformThen = await users(`teamId=${unit.platform}&asOf=${encodeURIComponent(before)}`);
    expect(names(platformThen.items)).toEqual(['Kim', 'Lee', 'Max', 'Mia']);
  });
});
