import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PUBLIC_ROUTE } from '../../apps/command-api/src/auth/permissions.decorator.js';
import { PERMISSION_MATRIX, type OrganizationRole, type Permission } from '../../libs/domain/src/index.js';
import { listRoutes } from '../support/routes.js';
import { inviteAndSetUp, inviteAndSetUpPlatformAuditor } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Generated from the permission matrix: every route of the running app, called as
 * every role, against the caller's own organization and another one. What the guard
 * decided is read from the answer (401, 403 forbidden, 404 organization-not-found, or
 * through to the handler) and compared with what the matrix says.
 */
type Caller =
  | { name: string; kind: 'anonymous' }
  | { name: string; kind: 'superAdmin'; token: string }
  | { name: string; kind: 'platformAuditor'; email: string }
  | { name: string; kind: 'member'; roles: OrganizationRole[]; email: string };

/** Routes that name their organization in the query (`?organizationId=`); without it they are platform-wide. */
const QUERY_SCOPED = new Set(['GET /audit/export', 'GET /audit/verify']);
type Outcome = 'unauthenticated' | 'forbidden' | 'not-found' | 'allowed';

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

function expected(permission: string | undefined, caller: Caller, scope: 'own' | 'other' | 'none'): Outcome {
  if (permission === PUBLIC_ROUTE) return 'allowed';
  if (caller.kind === 'anonymous') return 'unauthenticated';
  const rule = PERMISSION_MATRIX[permission as Permission];
  if (caller.kind === 'superAdmin') return rule.superAdmin ? 'allowed' : 'forbidden';
  if (caller.kind === 'platformAuditor') return rule.platformAuditor ? 'allowed' : 'forbidden';
  if (rule.orgScoped && scope === 'other') return 'not-found';
  if (!caller.roles.some((r) => rule.memberRoles.includes(r))) return 'forbidden';
  // Naming no organization makes a request platform-wide: never a member's.
  return rule.orgScoped && scope === 'none' ? 'forbidden' : 'allowed';
}

function observed(response: { status: number; body: { code?: string } }): Outcome {
  if (response.status === 401) return 'unauthenticated';
  if (response.status === 403 && response.body.code === 'forbidden') return 'forbidden';
  if (response.status === 404 && response.body.code === 'organization-not-found') return 'not-found';
  return 'allowed';
}

describe('Permission matrix', () => {
  test('every route as every role, in its own organization and another, follows the matrix', async () => {
    const routes = listRoutes(t.app);
    const callers: Caller[] = [
      { name: 'anonymous', kind: 'anonymous' },
      { name: 'super admin', kind: 'superAdmin', token: await t.login() },
      { name: 'admin', kind: 'member', roles: ['admin'], email: 'admin@matrix.test' },
      { name: 'instructor admin', kind: 'member', roles: ['admin', 'instructor'], email: 'instructor-admin@matrix.test' },
      { name: 'instructor', kind: 'member', roles: ['instructor'], email: 'instructor@matrix.test' },
      { name: 'auditor', kind: 'member', roles: ['auditor'], email: 'auditor@matrix.test' },
      { name: 'platform auditor', kind: 'platformAuditor', email: 'platform-auditor@matrix.test' },
    ];
    const tokens = new Map<string, string>();
    const tokenOf = async (caller: Caller, fresh: boolean) => {
      if (caller.kind === 'anonymous') return null;
      if (caller.kind === 'superAdmin') return fresh ? await t.login() : caller.token;
      if (fresh) return t.login(caller.email, password);
      if (!tokens.has(caller.email)) tokens.set(caller.email, await t.login(caller.email, password));
      return tokens.get(caller.email)!;
    };

    let tried = 0;
    const violations: string[] = [];
    for (const route of routes) {
      const orgScoped = route.path.includes(':orgId') || QUERY_SCOPED.has(route.route);
      for (const caller of callers) {
        const scopes: ('own' | 'other' | 'none')[] = QUERY_SCOPED.has(route.route) ? ['own', 'other', 'none'] : orgScoped ? ['own', 'other'] : ['none'];
        for (const scope of scopes) {
          // Super admins act on every organization; they work on a scratch one, so that
          // marking arrears or removing a logo there changes nothing the others rely on.
          const orgId = caller.kind === 'superAdmin' || caller.kind === 'platformAuditor' ? scratchOrg : scope === 'other' ? otherOrg : ownOrg;
          let url = route.path.replace(':orgId', orgId).replace(':userId', randomUUID()).replace(':classId', randomUUID()).replace(':auditorId', randomUUID());
          if (QUERY_SCOPED.has(route.route) && scope !== 'none') url += `?organizationId=${orgId}`;
          // Signing out ends the caller's session, so that route gets a session of its own.
          const token = await tokenOf(caller, route.route === 'POST /auth/logout');
          let call = (t.http() as unknown as Record<string, (u: string) => import('supertest').Test>)[route.method.toLowerCase()](url);
          if (token) call = call.set('Authorization', `Bearer ${token.replace(/^Bearer /, '')}`);
          if (['POST', 'PUT', 'PATCH'].includes(route.method)) call = call.send({});
          const response = await call;
          tried += 1;
          const want = expected(route.permission, caller, scope);
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
