import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { OrganizationRole } from '#domain';
import { CALLERS, EXPECTED } from '../fixtures/permission-matrix.js';
import { listRoutes } from '../support/routes.js';
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
  | { name: string; kind: 'platformAuditor'; email: string }
  | { name: string; kind: 'member'; email: string };

type Scope = 'own' | 'other' | 'none';
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
  await inviteAndSetUp(t, root, orgId, { email, roles }, password);
}

beforeAll(async () => {
  // Generous limits: this test signs in once per call of POST /auth/logout.
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000' });
  const root = await t.login();
  ownOrg = await organization(root, 'Matrix Own');
  otherOrg = await organization(root, 'Matrix Other');
  scratchOrg = await organization(root, 'Matrix Scratch');
  await member(root, ownOrg, 'admin@matrix.test', ['admin']);
  await member(root, ownOrg, 'instructor-admin@matrix.test', ['admin', 'instructor']);
  await member(root, ownOrg, 'instructor@matrix.test', ['instructor']);
  await member(root, ownOrg, 'auditor@matrix.test', ['auditor']);
  await inviteAndSetUpPlatformAuditor(t, root, 'platform-auditor@matrix.test', password);
  await member(root, otherOrg, 'other-admin@matrix.test', ['admin']);
});
afterAll(async () => {
  await t.close();
});

/** The fixture's outcome for a caller (its column) in a scope; member cells are own/other[/none]. */
function expected(route: string, column: number, scope: Scope): Outcome {
  const cells = EXPECTED[route].trim().split(/\s+/);
  const cell = cells[column].split('/');
  if (cell.length === 1) return cell[0] as Outcome;
  return cell[scope === 'own' ? 0 : scope === 'other' ? 1 : 2] as Outcome;
}

/** The scopes a route is called in, read from the fixture's member cells. */
function scopesOf(route: string): Scope[] {
  const parts = EXPECTED[route].trim().split(/\s+/)[3].split('/').length;
  return parts === 3 ? ['own', 'other', 'none'] : parts === 2 ? ['own', 'other'] : ['none'];
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
      { name: 'admin', kind: 'member', email: 'admin@matrix.test' },
      { name: 'instructor admin', kind: 'member', email: 'instructor-admin@matrix.test' },
      { name: 'instructor', kind: 'member', email: 'instructor@matrix.test' },
      { name: 'auditor', kind: 'member', email: 'auditor@matrix.test' },
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
    for (const route of routes) {
      for (const [column, caller] of callers.entries()) {
        const platformWide = caller.kind === 'superAdmin' || caller.kind === 'platformAuditor';
        // Super admins and platform auditors act on any organization: a scratch one, so
        // that marking arrears or removing a logo there changes nothing the others rely on.
        const scopes = caller.kind === 'member' ? scopesOf(route.route) : scopesOf(route.route).filter((s) => s !== 'other');
        for (const scope of scopes) {
          const orgId = platformWide ? scratchOrg : scope === 'other' ? otherOrg : ownOrg;
          let url = route.path.replace(':orgId', orgId).replace(':userId', randomUUID()).replace(':classId', randomUUID()).replace(':auditorId', randomUUID());
          if (QUERY_SCOPED.has(route.route) && scope !== 'none') url += `?organizationId=${orgId}`;
          // Signing out ends the caller's session, so that route gets a session of its own.
          const token = await tokenOf(caller, route.route === 'POST /auth/logout');
          let call = (t.http() as unknown as Record<string, (u: string) => import('supertest').Test>)[route.method.toLowerCase()](url);
          if (token) call = call.set('Authorization', `Bearer ${token.replace(/^Bearer /, '')}`);
          if (['POST', 'PUT', 'PATCH'].includes(route.method)) call = call.send({});
          const response = await call;
          tried += 1;
          const want = expected(route.route, column, caller.kind === 'member' ? scope : 'own');
          const got = observed(response);
          if (want !== got) violations.push(`${route.route} as ${caller.name} (${scope}): expected ${want}, got ${got} (${response.status} ${response.body?.code ?? ''})`);
        }
      }
    }
    process.stdout.write(`\npermission matrix: ${tried} combinations tried over ${routes.length} routes, ${violations.length} violations\n`);
    expect(violations).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(routes.length * callers.length);
  }, 120_000);
});
