import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { OrganizationRole } from '#domain';
import { CALLERS, EXPECTED } from '../fixtures/permission-matrix.js';
import { listRoutes } from '../support/routes.js';
import { permissionTable, TABLE_COLUMNS, TABLE_END, TABLE_START } from '../support/permission-table.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { decideAccess, type Permission, type Principal } from '#domain';
import { inviteAndSetUp, inviteAndSetUpPlatformAuditor } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Every route of the running app, called as every kind of caller, in the caller's own
 * organization, in another one, and platform-wide where a route can be, compared with
 * test/fixtures/permission-matrix.ts: the expected outcomes written by hand from the
 * guides. Nothing here reads the guard's own table, so a wrong permission in the code
 * (instructors reading the audit log, deleting users under class:manage) fails it.
 */
type Caller =
  | { name: string; kind: 'anonymous' }
  | { name: string; kind: 'superAdmin'; token: string }
  | { name: string; kind: 'platformAuditor' | 'platformAnalyst'; email: string }
  | { name: string; kind: 'member'; email: string };

/** own: the caller's organization (and their own department or team); ownUnit2: another unit of it; other: another organization; none: platform-wide. */
type Scope = 'own' | 'otherUnit' | 'other' | 'none';
type Outcome = 'ok' | '401' | '403' | '404' | '5xx';

/** Routes that name their organization in the query (`?organizationId=`); without it they are platform-wide. */
const QUERY_SCOPED = new Set(['GET /audit/export', 'GET /audit/verify']);

let t: TestApp;
let ownOrg: string;
let otherOrg: string;
let scratchOrg: string;
const password = 'matrix-password-123';

async function organization(root: string, name: string) {
  return (await t.http().post('/organizations').set('Authorization', root).send({ name, timeZone: 'UTC' })).body.id as string;
}

async function member(root: string, orgId: string, email: string, roles: OrganizationRole[]) {
  return inviteAndSetUp(t, root, orgId, { email, roles }, password);
}

/** Departments and teams of the own organization the scoped callers act on (ids). */
const units: Record<string, string> = {};
let freshUnits = 0;
async function unit(root: string, kind: 'departments' | 'teams', body: Record<string, unknown>): Promise<string> {
  const created = await t.http().post(`/organizations/${ownOrg}/${kind}`).set('Authorization', root).send(body);
  if (created.status !== 201) throw new Error(`${kind} not created: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

/**
 * The department or team a call names: the caller's own (a sub-department of the
 * department admin's, the team leader's team) or another one of the same organization.
 * A deletion gets a fresh one each time, so that every caller tries it on a unit that
 * exists; other calls change nothing that the next ones rely on (an empty patch, adding
 * a member who is already in the team).
 */
async function unitFor(root: string, route: string, mine: boolean): Promise<{ departmentId: string; teamId: string }> {
  const deleting = route.startsWith('DELETE ') && !route.includes('/members/');
  if (deleting && route.includes(':departmentId')) {
    const departmentId = await unit(root, 'departments', { name: `Fresh ${++freshUnits}`, parentId: mine ? units.eng : units.otherDepartment });
    return { departmentId, teamId: randomUUID() };
  }
  if (deleting && route.includes(':teamId')) {
    const teamId = await unit(root, 'teams', { name: `Fresh ${++freshUnits}`, departmentId: mine ? units.eng : units.otherDepartment, leaderIds: [] });
    return { departmentId: randomUUID(), teamId };
  }
  return mine ? { departmentId: units.ownDepartment, teamId: units.ownTeam } : { departmentId: units.otherDepartment, teamId: units.otherTeam };
}

/** Bodies that get past validation, so the scope of the caller is what decides (an empty body would be a 400 first). */
const BODIES: Record<string, () => Record<string, unknown>> = {
  'POST /organizations/:orgId/teams/:teamId/members': () => ({ userIds: [units.learner] }),
};

let rootToken: string;

beforeAll(async () => {
  // Generous limits: this test signs in once per call of POST /auth/logout.
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000' });
  const root = await t.login();
  rootToken = root;
  ownOrg = await organization(root, 'Matrix Own');
  otherOrg = await organization(root, 'Matrix Other');
  scratchOrg = await organization(root, 'Matrix Scratch');
  const publicOrg = await organization(root, 'Matrix Public');
  const listed = await t.http().patch(`/organizations/${publicOrg}/settings`).set('Authorization', root).send({ visibility: 'public' });
  if (listed.status !== 200) throw new Error(`settings not changed: ${listed.status} ${JSON.stringify(listed.body)}`);
  await member(root, ownOrg, 'owner@matrix.test', ['owner']);
  await member(root, ownOrg, 'admin@matrix.test', ['admin']);
  await member(root, ownOrg, 'instructor-admin@matrix.test', ['admin', 'instructor']);
  await member(root, ownOrg, 'instructor@matrix.test', ['instructor']);
  await member(root, ownOrg, 'auditor@matrix.test', ['auditor']);
  await member(root, ownOrg, 'analyst@matrix.test', ['analyst']);
  const learner = await member(root, ownOrg, 'member@matrix.test', ['member']);
  const departmentAdmin = await member(root, ownOrg, 'department-admin@matrix.test', ['member']);
  const teamLeader = await member(root, ownOrg, 'team-leader@matrix.test', ['member']);
  await inviteAndSetUpPlatformAuditor(t, root, 'platform-auditor@matrix.test', password);
  await inviteAndSetUpPlatformAuditor(t, root, 'platform-analyst@matrix.test', password, undefined, 'analyst');
  await member(root, otherOrg, 'other-admin@matrix.test', ['admin']);
  // The structure the scoped roles act on: Engineering (led by the department admin) with
  // a sub-department and the Platform team (led by the team leader); Sales and its Field
  // Sales team belong to neither.
  const eng = await unit(root, 'departments', { name: 'Engineering', leaderIds: [departmentAdmin] });
  units.ownDepartment = await unit(root, 'departments', { name: 'Engineering Research', parentId: eng });
  units.otherDepartment = await unit(root, 'departments', { name: 'Sales' });
  units.ownTeam = await unit(root, 'teams', { name: 'Platform', departmentId: eng, leaderIds: [teamLeader] });
  // The learner is in Platform: members see their own team's members (issue 17's privacy policy allows it by default).
  const joined = await t.http().post(`/organizations/${ownOrg}/teams/${units.ownTeam}/members`).set('Authorization', root).send({ userIds: [learner] });
  expect(joined.status).toBe(200);
  units.otherTeam = await unit(root, 'teams', { name: 'Field Sales', departmentId: units.otherDepartment });
  units.eng = eng;
  units.learner = learner;
}, 60_000);
afterAll(async () => {
  await t.close();
});

/** The fixture's outcome for a caller (its column) in a scope; member cells are own/other[/none]. */
function expected(route: string, column: number, scope: Scope): Outcome {
  const cells = EXPECTED[route].trim().split(/\s+/);
  const cell = cells[column].split('/');
  const own = (cell[0] ?? '').split('|');
  if (cell.length === 1) return own[0] as Outcome;
  if (scope === 'own' || scope === 'otherUnit') return (scope === 'otherUnit' ? (own[1] ?? own[0]) : own[0]) as Outcome;
  return cell[scope === 'other' ? 1 : 2] as Outcome;
}

/** The scopes a route is called in, read from the fixture's member cells (a|b: the caller's own unit and another). */
function scopesOf(route: string): Scope[] {
  const cells = EXPECTED[route].trim().split(/\s+/);
  const parts = cells[4].split('/').length;
  const base: Scope[] = parts === 3 ? ['own', 'other', 'none'] : parts === 2 ? ['own', 'other'] : ['none'];
  // Every route naming a department or a team is tried on another unit too, whatever the
  // cell says: a cell without `|` expects the same outcome there.
  return /:departmentId|:teamId/.test(route) && base.includes('own') ? ['own', 'otherUnit', ...base.filter((x) => x !== 'own')] : base;
}

/** What the answer says happened: only the guard's refusals count as refusals; a 5xx is never allowed. */
function observed(response: { status: number; body: { code?: string } }): Outcome {
  if (response.status >= 500) return '5xx';
  if (response.status === 401) return '401';
  if (response.status === 403 && response.body.code === 'forbidden') return '403';
  if (response.status === 404 && response.body.code === 'organization-not-found') return '404';
  return 'ok';
}

describe('Permission matrix', () => {
  test('every route as every role, in its own organization and another, follows the matrix', async () => {
    const routes = listRoutes(t.app);
    const callers: Caller[] = [
      { name: 'anonymous', kind: 'anonymous' },
      { name: 'super admin', kind: 'superAdmin', token: await t.login() },
      { name: 'platform auditor', kind: 'platformAuditor', email: 'platform-auditor@matrix.test' },
      { name: 'owner', kind: 'member', email: 'owner@matrix.test' },
      { name: 'admin', kind: 'member', email: 'admin@matrix.test' },
      { name: 'instructor admin', kind: 'member', email: 'instructor-admin@matrix.test' },
      { name: 'instructor', kind: 'member', email: 'instructor@matrix.test' },
      { name: 'auditor', kind: 'member', email: 'auditor@matrix.test' },
      { name: 'member', kind: 'member', email: 'member@matrix.test' },
      { name: 'department admin', kind: 'member', email: 'department-admin@matrix.test' },
      { name: 'team leader', kind: 'member', email: 'team-leader@matrix.test' },
      { name: 'analyst', kind: 'member', email: 'analyst@matrix.test' },
      { name: 'platform analyst', kind: 'platformAnalyst', email: 'platform-analyst@matrix.test' },
    ];
    expect(callers.map((c) => c.name)).toEqual([...CALLERS]);
    const tokens = new Map<string, string>();
    const tokenOf = async (caller: Caller, fresh: boolean) => {
      if (caller.kind === 'anonymous') return null;
      if (caller.kind === 'superAdmin') return fresh ? await t.login() : caller.token;
      if (fresh) return t.login(caller.email, password);
      if (!tokens.has(caller.email)) tokens.set(caller.email, await t.login(caller.email, password));
      return tokens.get(caller.email)!;
    };

    // Every route is in the fixture, and the fixture names no route that is gone.
    const served = new Set(routes.map((r) => r.route));
    expect(routes.map((r) => r.route).filter((r) => !(r in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((r) => !served.has(r))).toEqual([]);

    let tried = 0;
    const violations: string[] = [];
    const printed: string[] = [];
    for (const route of routes) {
      const row: string[] = [];
      for (const [column, caller] of callers.entries()) {
        const platformWide = caller.kind === 'superAdmin' || caller.kind === 'platformAuditor' || caller.kind === 'platformAnalyst';
        // Super admins and platform auditors act on any organization: a scratch one, so
        // that marking arrears or removing a logo there changes nothing the others rely on.
        const scopes = caller.kind === 'member' ? scopesOf(route.route) : scopesOf(route.route).filter((s) => s !== 'other' && s !== 'otherUnit');
        const seen: Partial<Record<Scope, Outcome>> = {};
        for (const scope of scopes) {
          const orgId = platformWide ? scratchOrg : scope === 'other' ? otherOrg : ownOrg;
          // A department or team of the caller's own organization (theirs, or another), or any id elsewhere.
          const named = orgId === ownOrg ? await unitFor(rootToken, route.route, scope === 'own') : { departmentId: randomUUID(), teamId: randomUUID() };
          let url = route.path
            .replace(':orgId', orgId)
            .replace(':departmentId', named.departmentId)
            .replace(':teamId', named.teamId)
            .replace(':userId', randomUUID())
            .replace(':classId', randomUUID())
            .replace(':auditorId', randomUUID())
            // The own organization's slug: members look up their own (another's is the 404 of a
            // slug that does not exist); the directory shows a public one to anyone.
            .replace(':slug', route.route.startsWith('GET /directory/') ? 'matrix-public' : 'matrix-own');
          if (QUERY_SCOPED.has(route.route) && scope !== 'none') url += `?organizationId=${orgId}`;
          // Signing out ends the caller's session, so that route gets a session of its own.
          const token = await tokenOf(caller, route.route === 'POST /auth/logout');
          let call = (t.http() as unknown as Record<string, (u: string) => import('supertest').Test>)[route.method.toLowerCase()](url);
          if (token) call = call.set('Authorization', `Bearer ${token.replace(/^Bearer /, '')}`);
          if (['POST', 'PUT', 'PATCH'].includes(route.method)) call = call.send(BODIES[route.route]?.() ?? {});
          const response = await call;
          tried += 1;
          const want = expected(route.route, column, caller.kind === 'member' ? scope : 'own');
          const got = observed(response);
          seen[scope] = got;
          if (want !== got) violations.push(`${route.route} as ${caller.name} (${scope}): expected ${want}, got ${got} (${response.status} ${response.body?.code ?? ''})`);
        }
        // The cell as observed, in the fixture's notation.
        const own = seen.otherUnit && seen.otherUnit !== seen.own ? `${seen.own}|${seen.otherUnit}` : seen.own;
        row.push([own, seen.other, seen.none].filter(Boolean).join('/'));
      }
      printed.push(`${route.route.padEnd(68)} ${row.map((c) => c.padEnd(12)).join(' ')}`);
    }
    process.stdout.write(`\n${'route'.padEnd(68)} ${callers.map((c) => c.name.slice(0, 12).padEnd(12)).join(' ')}\n${printed.join('\n')}\n`);
    process.stdout.write(`\npermission matrix: ${tried} combinations tried over ${routes.length} routes, ${violations.length} violations\n`);
    expect(violations).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(routes.length * callers.length);
  }, 180_000);

  test('the domain matrix (libs/domain) agrees with the hand-written one, cell by cell, for every role', () => {
    const routes = listRoutes(t.app);
    // The callers as the README's table names them, with the roles each holds.
    const roles = new Map(TABLE_COLUMNS.filter((c) => c.kind === 'member').map((c) => [c.name, c.roles]));
    const differences: string[] = [];
    for (const route of routes) {
      // Public routes, and the learning record store's (an xAPI credential, never a session: 401 for every caller), have no cell in the domain matrix.
      if (route.permission === 'public' || route.permission === 'xapi-client' || !(route.route in EXPECTED)) continue;
      for (const [column, caller] of CALLERS.entries()) {
        const principal: Principal | null =
          caller === 'super admin' ? { kind: 'superAdmin', id: 's', email: 's@x' }
          : caller === 'platform auditor' ? { kind: 'platformAuditor', id: 'p', email: 'p@x' }
          : caller === 'platform analyst' ? { kind: 'platformAnalyst', id: 'q', email: 'q@x' }
          : roles.has(caller) ? { kind: 'member', id: 'm', email: 'm@x', organizationId: 'own', roles: roles.get(caller)! }
          : null;
        if (!principal) continue;
        // The guard's decision in the caller's own organization (or platform-wide for a route naming none).
        const organizationId = route.path.includes(':orgId') || QUERY_SCOPED.has(route.route) ? 'own' : undefined;
        const decision = decideAccess(principal, route.permission as Permission, organizationId);
        const want = expected(route.route, column, 'own');
        const domain = decision === 'allow' ? 'ok' : decision === 'forbidden' ? '403' : '404';
        if (domain !== want) differences.push(`${route.route} as ${caller}: domain says ${domain}, the guide's matrix ${want}`);
      }
    }
    expect(differences).toEqual([]);
  });

  test("the README's table is the one the code gives (UPDATE_README=1 npm run test:permissions writes it)", () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const generated = `${TABLE_START}\n${permissionTable(listRoutes(t.app))}\n${TABLE_END}`;
    const current = readme.slice(start, end + TABLE_END.length);
    if (process.env.UPDATE_README === '1' && current !== generated) writeFileSync('README.md', readme.replace(current, generated));
    else expect(current).toBe(generated);
  });
});
