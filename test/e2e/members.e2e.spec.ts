import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { burst } from '../support/burst.js';
import { setupLinkIn, startSmtpServer } from '../support/smtp.js';

// Tests here wait for real mail, up to 10 s each.
jest.setTimeout(20_000);

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let t: TestApp;
let root: string;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ SMTP_URL: smtp.url });
  root = await t.login();
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const pw = 'a-password-long-enough';
let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}-${randomUUID().slice(0, 6)}@school.test`;

async function organization(): Promise<string> {
  const response = await t.http().post('/organizations').set('Authorization', root).send({ name: `School ${randomUUID().slice(0, 6)}`, timeZone: 'UTC' });
  return response.body.id;
}

async function invite(orgId: string, body: Record<string, unknown>, auth = root) {
  return t.http().post(`/organizations/${orgId}/users`).set('Authorization', auth).send(body);
}

/** Invites and completes setup; returns the user id and a signed-in token. */
async function member(orgId: string, roles: string[], firstName = 'Pat', lastName = 'Doe') {
  const email = unique(roles.join('-'));
  const invited = await invite(orgId, { email, firstName, lastName, roles });
  expect(invited.status).toBe(201);
  const { token } = setupLinkIn(await smtp.waitFor(email));
  expect((await t.http().post('/auth/setup').send({ token, password: pw })).status).toBe(201);
  return { id: invited.body.id as string, email, auth: await t.login(email, pw) };
}

describe('Inviting', () => {
  test.each([
    ['an invalid email', { email: 'not-an-email', firstName: 'A', lastName: 'B', roles: ['admin'] }, 'email'],
    ['a missing email', { firstName: 'A', lastName: 'B', roles: ['admin'] }, 'email'],
    ['a missing first name', { email: 'x@school.test', lastName: 'B', roles: ['admin'] }, 'firstName'],
    ['a blank last name', { email: 'x@school.test', firstName: 'A', lastName: '   ', roles: ['admin'] }, 'lastName'],
    ['a first name of 256 characters', { email: 'x@school.test', firstName: 'a'.repeat(256), lastName: 'B', roles: ['admin'] }, 'firstName'],
    ['no role', { email: 'x@school.test', firstName: 'A', lastName: 'B', roles: [] }, 'roles'],
    ['an unknown role', { email: 'x@school.test', firstName: 'A', lastName: 'B', roles: ['janitor'] }, 'roles'],
    ['an unknown field', { email: 'x@school.test', firstName: 'A', lastName: 'B', roles: ['admin'], status: 'active' }, 'status'],
  ])('refuses %s with 400 and writes nothing', async (_label, body, field) => {
    const orgId = await organization();
    const before = await t.infra.eventStore.headPosition();
    const response = await invite(orgId, body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await t.infra.eventStore.headPosition()).toBe(before);
  });

  test('emails are unique across the platform, compared case-insensitively', async () => {
    const [a, b] = [await organization(), await organization()];
    const email = unique('dup');
    expect((await invite(a, { email, firstName: 'A', lastName: 'B', roles: ['admin'] })).status).toBe(201);
    const again = await invite(b, { email: email.toUpperCase(), firstName: 'A', lastName: 'B', roles: ['admin'] });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('email-already-in-use');
    // The super admin's address is taken too.
    expect((await invite(b, { email: 'ROOT@platform.test', firstName: 'A', lastName: 'B', roles: ['admin'] })).body.code).toBe('email-already-in-use');
  });

  test('of 20 parallel invitations of one email exactly one creates a user', async () => {
    const orgs = await Promise.all(Array.from({ length: 4 }, () => organization()));
    const email = unique('race');
    // Sent truly at once: connections opened first, every request written in one tick.
    const responses = await burst(
      t.app.getHttpServer() as import('node:http').Server,
      Array.from({ length: 20 }, (_, i) => ({ method: 'POST', path: `/organizations/${orgs[i % 4]}/users`, headers: { Authorization: root }, body: { email, firstName: `R${i}`, lastName: 'Racer', roles: ['instructor'] } })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'email-already-in-use')).toBe(true);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(19);
    let invited = 0;
    for await (const event of t.infra.eventStore.readAll()) if (event.type === 'UserInvited' && (event.data as { email: string }).email === email) invited++;
    expect(invited).toBe(1);
  });

  test('a burst of 60 parallel invitations to one organization all succeed, none lost to a conflict', async () => {
    const orgId = await organization();
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => invite(orgId, { email: unique(`burst${i}`), firstName: `B${i}`, lastName: 'Urst', roles: ['instructor'] })),
    );
    expect(responses.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    const list = await t.http().get(`/organizations/${orgId}/users`).query({ pageSize: 100 }).set('Authorization', root);
    expect(list.body.total).toBe(60);
    expect((await t.http().get(`/organizations/${orgId}`).set('Authorization', root)).body.userCount).toBe(60);
  });

  test('the setup token is stored only as a hash and a ciphertext', async () => {
    const orgId = await organization();
    const email = unique('secret');
    await invite(orgId, { email, firstName: 'S', lastName: 'T', roles: ['instructor'] });
    const { token } = setupLinkIn(await smtp.waitFor(email));
    expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    const log: string[] = [];
    for await (const event of t.infra.eventStore.readAll()) log.push(JSON.stringify(event));
    expect(log.join('\n')).not.toContain(token);
  });
});

describe('Setup links', () => {
  test('a used link is refused, and the setup page says so in plain words', async () => {
    const orgId = await organization();
    const email = unique('used');
    await invite(orgId, { email, firstName: 'U', lastName: 'Sed', roles: ['instructor'] });
    const { token } = setupLinkIn(await smtp.waitFor(email));
    expect((await t.http().post('/auth/setup').send({ token, password: pw })).status).toBe(201);
    const reused = await t.http().post('/auth/setup').send({ token, password: pw });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('setup-link-invalid');
    const page = await t.http().get('/setup').query({ token });
    expect(page.status).toBe(404);
    expect(page.text).toContain('already used');
  });

  test('a resend replaces the link and may correct the email: the old link fails like a used one', async () => {
    const orgId = await organization();
    const wrong = unique('typo');
    const right = unique('fixed');
    const invited = await invite(orgId, { email: wrong, firstName: 'Res', lastName: 'End', roles: ['instructor'] });
    const { token: oldToken } = setupLinkIn(await smtp.waitFor(wrong));
    const resent = await t.http().post(`/organizations/${orgId}/users/${invited.body.id}/invitation`).set('Authorization', root).send({ email: right });
    expect(resent.status).toBe(200);
    const { token: newToken } = setupLinkIn(await smtp.waitFor(right));
    const old = await t.http().post('/auth/setup').send({ token: oldToken, password: pw });
    expect(old.status).toBe(409);
    expect(old.body.code).toBe('setup-link-invalid');
    expect((await t.http().post('/auth/setup').send({ token: newToken, password: pw })).status).toBe(201);
    expect((await t.http().post('/auth/login').send({ email: right, password: pw })).status).toBe(200);
    // The corrected-away address is free again.
    expect((await invite(await organization(), { email: wrong, firstName: 'A', lastName: 'B', roles: ['admin'] })).status).toBe(201);
  });

  test('a weak password is refused with the policy, and the link still works after', async () => {
    const orgId = await organization();
    const email = unique('weak');
    await invite(orgId, { email, firstName: 'W', lastName: 'Eak', roles: ['instructor'] });
    const { token } = setupLinkIn(await smtp.waitFor(email));
    const weak = await t.http().post('/auth/setup').send({ token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('validation-failed');
    expect((await t.http().post('/auth/setup').send({ token, password: pw })).status).toBe(201);
  });

  test('an expired link is refused and the page says it expired', async () => {
    const short = await startTestApp({ SMTP_URL: smtp.url, SETUP_TOKEN_TTL_HOURS: '1' });
    try {
      const auth = await short.login();
      const orgId = (await short.http().post('/organizations').set('Authorization', auth).send({ name: 'Expiry School', timeZone: 'UTC' })).body.id;
      const email = unique('expired');
      await short.http().post(`/organizations/${orgId}/users`).set('Authorization', auth).send({ email, firstName: 'E', lastName: 'X', roles: ['instructor'] });
      const { token } = setupLinkIn(await smtp.waitFor(email));
      // Only the clock moves on; timers and I/O run as usual.
      jest.useFakeTimers({
        now: Date.now() + 2 * 3_600_000,
        advanceTimers: true,
        doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
      });
      try {
        const response = await short.http().post('/auth/setup').send({ token, password: pw });
        expect(response.body.code).toBe('setup-link-invalid');
        const page = await short.http().get('/setup').query({ token });
        expect(page.status).toBe(410);
        expect(page.text).toContain('expired');
      } finally {
        jest.useRealTimers();
      }
    } finally {
      await short.close();
    }
  });
});

describe('Deleting', () => {
  test('deletes a setup-pending user: the link stops working and the email can be invited again', async () => {
    const orgId = await organization();
    const email = unique('del');
    const invited = await invite(orgId, { email, firstName: 'D', lastName: 'El', roles: ['instructor'] });
    const { token } = setupLinkIn(await smtp.waitFor(email));
    expect((await t.http().delete(`/organizations/${orgId}/users/${invited.body.id}`).set('Authorization', root)).status).toBe(200);
    expect((await t.http().post('/auth/setup').send({ token, password: pw })).body.code).toBe('setup-link-invalid');
    expect((await invite(orgId, { email, firstName: 'D', lastName: 'El', roles: ['instructor'] })).status).toBe(201);
  });

  test('refuses to delete an active or deactivated user with 409 only-setup-pending-users-can-be-deleted', async () => {
    const orgId = await organization();
    await member(orgId, ['admin']);
    const active = await member(orgId, ['instructor']);
    const response = await t.http().delete(`/organizations/${orgId}/users/${active.id}`).set('Authorization', root);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('only-setup-pending-users-can-be-deleted');
    await t.http().post(`/organizations/${orgId}/users/${active.id}/deactivate`).set('Authorization', root).send({});
    expect((await t.http().delete(`/organizations/${orgId}/users/${active.id}`).set('Authorization', root)).body.code).toBe('only-setup-pending-users-can-be-deleted');
  });
});

describe('Editing roles', () => {
  test('removing the instructor role while classes are active is 409 with the classes listed', async () => {
    const orgId = await organization();
    await member(orgId, ['admin']);
    const teacher = await member(orgId, ['instructor', 'admin']);
    const cls = await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', root).send({ name: 'Geometry', instructorId: teacher.id });
    const response = await t.http().patch(`/organizations/${orgId}/users/${teacher.id}`).set('Authorization', root).send({ firstName: 'Pat', lastName: 'Doe', roles: ['admin'] });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'instructor-has-active-classes', classes: [{ id: cls.body.id, name: 'Geometry' }] });
    await t.http().post(`/organizations/${orgId}/classes/${cls.body.id}/archive`).set('Authorization', root);
    expect((await t.http().patch(`/organizations/${orgId}/users/${teacher.id}`).set('Authorization', root).send({ firstName: 'Pat', lastName: 'Doe', roles: ['admin'] })).status).toBe(200);
  });

  test('removing your own admin role is 409; the edited user stays signed in with the new roles', async () => {
    const orgId = await organization();
    const first = await member(orgId, ['admin']);
    const second = await member(orgId, ['admin', 'instructor']);
    const own = await t.http().patch(`/organizations/${orgId}/users/${first.id}`).set('Authorization', first.auth).send({ firstName: 'Pat', lastName: 'Doe', roles: ['instructor'] });
    expect(own.status).toBe(409);
    expect(own.body.code).toBe('cannot-remove-own-admin-role');
    const byOther = await t.http().patch(`/organizations/${orgId}/users/${second.id}`).set('Authorization', first.auth).send({ firstName: 'Pat', lastName: 'Doe', roles: ['instructor'] });
    expect(byOther.status).toBe(200);
    // Still signed in, now without the admin's permissions.
    expect((await t.http().get('/auth/me').set('Authorization', second.auth)).body.roles).toEqual(['instructor']);
    expect((await t.http().get(`/organizations/${orgId}/users`).set('Authorization', second.auth)).status).toBe(403);
  });

  test('the last active admin keeps the role', async () => {
    const orgId = await organization();
    const only = await member(orgId, ['admin']);
    const response = await t.http().patch(`/organizations/${orgId}/users/${only.id}`).set('Authorization', root).send({ firstName: 'Pat', lastName: 'Doe', roles: ['instructor'] });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('organization-needs-an-active-admin');
  });
});

describe('The member list', () => {
  test('searches name or email case-insensitively, sorts by last then first name, pages and counts', async () => {
    const orgId = await organization();
    const people = [['Zoe', 'Adams'], ['amy', 'Baker'], ['Ben', 'adams'], ['Cleo', 'Carter']];
    for (const [firstName, lastName] of people) await invite(orgId, { email: unique(firstName.toLowerCase()), firstName, lastName, roles: ['instructor'] });
    const list = await t.http().get(`/organizations/${orgId}/users`).query({ pageSize: 10 }).set('Authorization', root);
    expect(list.body.items.map((u: { firstName: string }) => u.firstName)).toEqual(['Ben', 'Zoe', 'amy', 'Cleo']);
    expect(list.body.total).toBe(4);
    const byName = await t.http().get(`/organizations/${orgId}/users`).query({ search: 'ADAMS' }).set('Authorization', root);
    expect(byName.body.items.map((u: { firstName: string }) => u.firstName)).toEqual(['Ben', 'Zoe']);
    const byEmail = await t.http().get(`/organizations/${orgId}/users`).query({ search: 'cleo' }).set('Authorization', root);
    expect(byEmail.body.total).toBe(1);
    const page2 = await t.http().get(`/organizations/${orgId}/users`).query({ pageSize: 10, page: 2 }).set('Authorization', root);
    expect(page2.body.items).toEqual([]);
    expect((await t.http().get(`/organizations/${orgId}/users`).query({ pageSize: 20 }).set('Authorization', root)).status).toBe(400);
    expect((await t.http().get(`/organizations/${orgId}/users`).query({ showDeactivated: 'maybe' }).set('Authorization', root)).status).toBe(400);
  });
});

describe('Who may do what', () => {
  test('an instructor manages no users and sees only their own classes; another tenant is 404', async () => {
    const orgId = await organization();
    const other = await organization();
    const admin = await member(orgId, ['admin']);
    const teacher = await member(orgId, ['instructor']);
    const colleague = await member(orgId, ['instructor']);
    expect((await t.http().get(`/organizations/${orgId}/users`).set('Authorization', teacher.auth)).status).toBe(403);
    expect((await invite(orgId, { email: unique('x'), firstName: 'A', lastName: 'B', roles: ['admin'] }, teacher.auth)).status).toBe(403);
    const theirs = await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', admin.auth).send({ name: 'Colleague class', instructorId: colleague.id });
    expect((await t.http().get(`/organizations/${orgId}/classes/${theirs.body.id}`).set('Authorization', teacher.auth)).status).toBe(404);
    expect((await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', teacher.auth).send({ name: 'Not mine', instructorId: colleague.id })).status).toBe(403);
    expect((await t.http().get(`/organizations/${other}/users`).set('Authorization', admin.auth)).status).toBe(404);
    expect((await t.http().get(`/organizations/${other}`).set('Authorization', admin.auth)).body.code).toBe('organization-not-found');
  });

  test('a class needs an active instructor of the same organization', async () => {
    const orgId = await organization();
    const other = await organization();
    const outsider = await member(other, ['instructor']);
    const response = await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', root).send({ name: 'Chemistry', instructorId: outsider.id });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('invalid-instructor');
  });
});

describe('Without SMTP_URL', () => {
  test('the setup mail is written as an .eml file to DATA_DIR/outbox', async () => {
    const local = await startTestApp();
    try {
      const auth = await local.login();
      const orgId = (await local.http().post('/organizations').set('Authorization', auth).send({ name: 'Outbox School', timeZone: 'UTC' })).body.id;
      const invited = await local.http().post(`/organizations/${orgId}/users`).set('Authorization', auth).send({ email: 'outbox@school.test', firstName: 'Out', lastName: 'Box', roles: ['admin'] });
      await local.infra.mailReactor!.reached(invited.body.position);
      const dir = join(local.dataDir, 'outbox');
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const raw = readFileSync(join(dir, files[0]), 'utf8');
      expect(raw).toContain('To: outbox@school.test');
      expect(raw).toMatch(/Subject: Welcome to Outbox School/);
      expect(raw.replace(/=\r?\n/g, '')).toMatch(/http:\/\/localhost:3000\/setup\?token=[A-Za-z0-9_-]{43}/);
    } finally {
      await local.close();
    }
  });

  test('SETUP_URL points the mail at an external admin UI', async () => {
    const local = await startTestApp({ SETUP_URL: 'https://admin.example.test/welcome' });
    try {
      const auth = await local.login();
      const orgId = (await local.http().post('/organizations').set('Authorization', auth).send({ name: 'External UI School', timeZone: 'UTC' })).body.id;
      const invited = await local.http().post(`/organizations/${orgId}/users`).set('Authorization', auth).send({ email: 'ext@school.test', firstName: 'E', lastName: 'X', roles: ['admin'] });
      await local.infra.mailReactor!.reached(invited.body.position);
      const dir = join(local.dataDir, 'outbox');
      const raw = readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.eml'))!), 'utf8').replace(/=\r?\n/g, '');
      expect(raw).toMatch(/https:\/\/admin\.example\.test\/welcome\?token=/);
    } finally {
      await local.close();
    }
  });
});
