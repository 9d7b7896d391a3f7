import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { organizationStreamName } from '#domain';
import { inviteAndSetUp } from '../support/members.js';
import { burst } from '../support/burst.js';
import { withClockAhead } from '../support/clock.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let root: string;
const password = 'access-password-123';

beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '1000' });
  root = await t.login();
});
afterAll(async () => {
  await t.close();
});

let n = 0;
async function school() {
  return (await t.http().post('/organizations').set('Authorization', root).send({ name: `Access School ${++n}`, timeZone: 'UTC' })).body.id as string;
}

async function member(orgId: string, roles: string[]) {
  const email = `member${++n}@access.test`;
  const id = await inviteAndSetUp(t, root, orgId, { email, roles, firstName: 'A', lastName: 'C' }, password);
  return { id, email, auth: await t.login(email, password) };
}

describe('Arrears', () => {
  test('every user of an organization in arrears is refused with the exact message; sign-in too; clearing restores sign-in at once', async () => {
    const orgId = await school();
    const admin = await member(orgId, ['admin']);
    const teacher = await member(orgId, ['instructor']);
    const elsewhere = await member(await school(), ['admin']);

    expect((await t.http().post(`/organizations/${orgId}/arrears`).set('Authorization', root)).status).toBe(200);
    for (const who of [admin, teacher]) {
      const response = await t.http().get('/auth/me').set('Authorization', who.auth);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ code: 'organization-suspended', detail: "Your organization's account is suspended. Please contact support." });
      const login = await t.http().post('/auth/login').send({ email: who.email, password });
      expect(login.status).toBe(401);
      expect(login.body.detail).toBe("Your organization's account is suspended. Please contact support.");
    }
    // Other organizations and super admins are not affected.
    expect((await t.http().get('/auth/me').set('Authorization', elsewhere.auth)).status).toBe(200);
    expect((await t.http().get(`/organizations/${orgId}`).set('Authorization', root)).status).toBe(200);

    expect((await t.http().delete(`/organizations/${orgId}/arrears`).set('Authorization', root)).status).toBe(200);
    const again = await t.http().post('/auth/login').send({ email: admin.email, password });
    expect(again.status).toBe(200);
    expect((await t.http().get('/auth/me').set('Authorization', `Bearer ${again.body.accessToken}`)).status).toBe(200);
    // The sessions that existed when arrears began were terminated, not paused.
    expect((await t.http().get('/auth/me').set('Authorization', teacher.auth)).status).toBe(401);
  });
});

describe('Sessions end when they must', () => {
  test("a deactivated user's token fails on its next request, on every device, and stays dead after reactivation", async () => {
    const orgId = await school();
    await member(orgId, ['admin']);
    const user = await member(orgId, ['instructor']);
    const secondDevice = await t.login(user.email, password);
    await t.http().post(`/organizations/${orgId}/users/${user.id}/deactivate`).set('Authorization', root).send({});
    for (const token of [user.auth, secondDevice]) expect((await t.http().get('/auth/me').set('Authorization', token)).status).toBe(401);
    await t.http().post(`/organizations/${orgId}/users/${user.id}/reactivate`).set('Authorization', root);
    expect((await t.http().get('/auth/me').set('Authorization', user.auth)).status).toBe(401);
    const fresh = await t.login(user.email, password);
    expect((await t.http().get('/auth/me').set('Authorization', fresh)).status).toBe(200);
  });

  test('an admin ends every session of a user in their organization, and the act is recorded', async () => {
    const orgId = await school();
    const admin = await member(orgId, ['admin']);
    const user = await member(orgId, ['instructor']);
    const other = await t.login(user.email, password);
    const ended = await t.http().post(`/organizations/${orgId}/users/${user.id}/sessions/end`).set('Authorization', admin.auth);
    expect(ended.status).toBe(200);
    for (const token of [user.auth, other]) expect((await t.http().get('/auth/me').set('Authorization', token)).status).toBe(401);
    expect((await t.http().get('/auth/me').set('Authorization', admin.auth)).status).toBe(200);
    const events = await t.infra.eventStore.readStream(organizationStreamName(orgId));
    expect(events.at(-1)).toMatchObject({ type: 'UserSessionsEnded', data: { userId: user.id }, metadata: { actorId: admin.id } });
    expect((await t.http().get('/auth/me').set('Authorization', await t.login(user.email, password))).status).toBe(200);
  });

  test("a setup-pending user cannot sign in", async () => {
    const orgId = await school();
    const invited = await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'pending@access.test', firstName: 'P', lastName: 'N', roles: ['admin'] });
    expect(invited.status).toBe(201);
    const login = await t.http().post('/auth/login').send({ email: 'pending@access.test', password });
    expect(login.status).toBe(401);
    expect(login.body.code).toBe('invalid-credentials');
  });

  test("the organization's idle timeout ends an unused session; activity keeps it alive; the absolute timeout ends it anyway", async () => {
    const orgId = await school();
    const admin = await member(orgId, ['admin']);
    const policy = await t.http().put(`/organizations/${orgId}/session-policy`).set('Authorization', admin.auth).send({ idleTimeoutMinutes: 10, absoluteTimeoutHours: 1 });
    expect(policy.status).toBe(200);
    expect((await t.http().get(`/organizations/${orgId}`).set('Authorization', admin.auth)).body.sessionPolicy).toEqual({ idleTimeoutMinutes: 10, absoluteTimeoutHours: 1 });
    const active = await t.login(admin.email, password);
    const idle = await t.login(admin.email, password);
    // Every 8 minutes the active session makes a request; the idle one does not.
    for (const minutes of [8, 16, 24]) {
      await withClockAhead(minutes * 60_000, async () => expect((await t.http().get('/auth/me').set('Authorization', active)).status).toBe(200));
    }
    const expired = await withClockAhead(24 * 60_000, () => t.http().get('/auth/me').set('Authorization', idle));
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('session-expired');
    const afterHour = await withClockAhead(61 * 60_000, () => t.http().get('/auth/me').set('Authorization', active));
    expect(afterHour.body.code).toBe('session-expired');
  });

  test('the session policy is validated', async () => {
    const orgId = await school();
    const bad = await t.http().put(`/organizations/${orgId}/session-policy`).set('Authorization', root).send({ idleTimeoutMinutes: 1, absoluteTimeoutHours: 10_000 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['absoluteTimeoutHours', 'idleTimeoutMinutes']);
  });
});

describe('Sign-in failures', () => {
  test('an unknown email and a wrong password get the same status and body', async () => {
    const orgId = await school();
    const user = await member(orgId, ['admin']);
    const unknown = await t.http().post('/auth/login').send({ email: 'nobody-here@access.test', password: 'wrong-password-xyz' });
    const wrong = await t.http().post('/auth/login').send({ email: user.email, password: 'wrong-password-xyz' });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
  });

  test('repeated failures for one account get 429 with Retry-After, even with the right password', async () => {
    const orgId = await school();
    const user = await member(orgId, ['admin']);
    for (let i = 0; i < 5; i++) expect((await t.http().post('/auth/login').send({ email: user.email, password: 'wrong-password-xyz' })).status).toBe(401);
    const blocked = await t.http().post('/auth/login').send({ email: user.email, password });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.code).toBe('too-many-attempts');
    // Other accounts are not locked by it.
    const neighbour = await member(orgId, ['instructor']);
    expect((await t.http().post('/auth/login').send({ email: neighbour.email, password })).status).toBe(200);
    // After the window, the account signs in again.
    const later = await withClockAhead(16 * 60_000, () => t.http().post('/auth/login').send({ email: user.email, password }));
    expect(later.status).toBe(200);
  });

  test('repeated failures from one IP get 429, whichever accounts they try', async () => {
    const strict = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '3' });
    try {
      for (let i = 0; i < 3; i++) await strict.http().post('/auth/login').send({ email: `spray${i}@access.test`, password: 'wrong-password-xyz' });
      const blocked = await strict.http().post('/auth/login').send({ email: 'root@platform.test', password: 'super-admin-password-1' });
      expect(blocked.status).toBe(429);
      expect(blocked.headers['retry-after']).toBeDefined();
    } finally {
      await strict.close();
    }
  });
});

/**
 * How many requests of a burst had reached the app when its last answer of `status`
 * left it: the guesses that arrived while a password check was still running.
 */
async function arrivalsBeforeLast<T>(status: number, work: () => Promise<T>): Promise<{ result: T; arrived: number }> {
  const server = t.app.getHttpServer() as import('node:http').Server;
  let arrivals = 0;
  let arrivedBeforeLast = 0;
  const onRequest = (_req: unknown, res: import('node:http').ServerResponse) => {
    arrivals++;
    res.on('finish', () => {
      if (res.statusCode === status) arrivedBeforeLast = arrivals;
    });
  };
  server.on('request', onRequest);
  try {
    return { result: await work(), arrived: arrivedBeforeLast };
  } finally {
    server.off('request', onRequest);
  }
}

/** Every sign-in sent at once (see test/support/burst.ts); the statuses, in order. */
async function burstOfSignIns(attempts: { email: string; password: string }[]): Promise<number[]> {
  const answers = await burst(t.app.getHttpServer() as import('node:http').Server, attempts.map((body) => ({ method: 'POST', path: '/auth/login', body })));
  return answers.map((a) => a.status);
}

describe('Parallel guesses do not bypass the limit', () => {
  test('40 simultaneous wrong passwords for one account get at most 5 answers of 401; the rest are 429', async () => {
    const orgId = await school();
    const user = await member(orgId, ['instructor']);
    const { result: statuses, arrived } = await arrivalsBeforeLast(401, () => burstOfSignIns(Array(40).fill({ email: user.email, password: 'wrong-password-xyz' })));
    // More guesses than the limit arrived while a password check was still running: they
    // raced it (a throttle that counts after the hash lets every one of those through).
    expect(arrived).toBeGreaterThan(5);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
  });

  test('30 wrong guesses sent together with the right one: at most 5 are checked, and the limit is not reset', async () => {
    const orgId = await school();
    const user = await member(orgId, ['instructor']);
    const statuses = await burstOfSignIns([...Array(30).fill({ email: user.email, password: 'wrong-password-xyz' }), { email: user.email, password }]);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401 && s !== 429 && s !== 200)).toEqual([]);
    // The right password came in once the limit was reached: refused, and still refused.
    if (statuses[30] === 429) expect((await t.http().post('/auth/login').send({ email: user.email, password })).status).toBe(429);
    // Whatever the order, once the limit is reached the right password does not sign in.
    await burstOfSignIns(Array(5).fill({ email: user.email, password: 'wrong-password-xyz' }));
    expect((await t.http().post('/auth/login').send({ email: user.email, password })).status).toBe(429);
  });
});

describe('A deactivated user is told the truth', () => {
  test('after a correct password, and on every request with a token that once worked; a wrong password stays generic', async () => {
    const orgId = await school();
    await member(orgId, ['admin']);
    const user = await member(orgId, ['instructor']);
    expect((await t.http().post(`/organizations/${orgId}/users/${user.id}/deactivate`).set('Authorization', root).send({})).status).toBe(200);

    const words = 'Your account has been deactivated. Please contact an administrator of your organization.';
    const signIn = await t.http().post('/auth/login').send({ email: user.email, password });
    expect(signIn.status).toBe(401);
    expect(signIn.body).toMatchObject({ code: 'account-deactivated', detail: words });
    const wrong = await t.http().post('/auth/login').send({ email: user.email, password: 'wrong-password-xyz' });
    expect(wrong.body).toMatchObject({ code: 'invalid-credentials', detail: 'Email or password is incorrect' });
    for (let i = 0; i < 2; i++) {
      const request = await t.http().get('/auth/me').set('Authorization', user.auth);
      expect(request.status).toBe(401);
      expect(request.body).toMatchObject({ code: 'account-deactivated', detail: words });
    }
    // Reactivated: the old token stays dead, a new sign-in works.
    expect((await t.http().post(`/organizations/${orgId}/users/${user.id}/reactivate`).set('Authorization', root).send({})).status).toBe(200);
    expect((await t.http().get('/auth/me').set('Authorization', user.auth)).body.code).toBe('unauthenticated');
    expect((await t.http().post('/auth/login').send({ email: user.email, password })).status).toBe(200);
  });
});

describe('Passwords and hardening', () => {
  test('stored password hashes are argon2id with m >= 19456 KiB, t >= 2, p = 1', async () => {
    const orgId = await school();
    const user = await member(orgId, ['admin']);
    const event = (await t.infra.eventStore.readStream(organizationStreamName(orgId))).find((e) => e.type === 'UserSetupCompleted' && (e.data as { userId: string }).userId === user.id)!;
    const hash = (event.data as { passwordHash: string }).passwordHash;
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(hash);
    expect(match).not.toBeNull();
    const [, m, tCost, p] = match!.map(Number);
    expect(m).toBeGreaterThanOrEqual(19456);
    expect(tCost).toBeGreaterThanOrEqual(2);
    expect(p).toBe(1);
  });

  test('responses carry security headers; CORS is off unless configured', async () => {
    const response = await t.http().get('/health').set('Origin', 'https://evil.example');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBeDefined();
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();

    const withCors = await startTestApp({ CORS_ORIGINS: 'https://admin.example' });
    try {
      const allowed = await withCors.http().get('/health').set('Origin', 'https://admin.example');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example');
      const refused = await withCors.http().get('/health').set('Origin', 'https://evil.example');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await withCors.close();
    }
  });

  test('/auth/me returns the user, the organization, the roles, and whether the caller is a super admin', async () => {
    const orgId = await school();
    const user = await member(orgId, ['admin', 'instructor']);
    const me = await t.http().get('/auth/me').set('Authorization', user.auth);
    expect(me.body).toMatchObject({
      user: { id: user.id, email: user.email, firstName: 'A', lastName: 'C', status: 'active' },
      organization: { id: orgId, name: expect.stringContaining('Access School') },
      roles: ['admin', 'instructor'],
      isSuperAdmin: false,
    });
    expect((await t.http().get('/auth/me').set('Authorization', root)).body).toMatchObject({ isSuperAdmin: true, organization: null });
  });
});
