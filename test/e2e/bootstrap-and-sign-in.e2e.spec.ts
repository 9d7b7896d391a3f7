import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'node:url';
import { SUPERADMIN, startTestApp } from '../support/test-app.js';

describe('Bootstrap from SUPERADMIN_EMAIL and SUPERADMIN_PASSWORD', () => {
  test('the first boot creates the super admin, who signs in; a second boot creates no other', async () => {
    const t = await startTestApp();
    const login = await t.http().post('/auth/login').send(SUPERADMIN);
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ accessToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), tokenType: 'Bearer', expiresAt: expect.any(String), idleTimeoutMinutes: 60 });
    const me = await t.http().get('/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`);
    expect(me.body).toMatchObject({ email: SUPERADMIN.email, isSuperAdmin: true, organizationId: null });
    const dataDir = t.dataDir;
    await t.close({ keepData: true });

    const again = await startTestApp({ SUPERADMIN_EMAIL: 'other@platform.test', SUPERADMIN_PASSWORD: 'another-password-1' }, dataDir);
    const registered = (await again.infra.eventStore.readStream('platform-00000000-0000-0000-0000-000000000000')).filter((e) => e.type === 'SuperAdminRegistered');
    expect(registered).toHaveLength(1);
    expect((await again.http().post('/auth/login').send({ email: 'other@platform.test', password: 'another-password-1' })).status).toBe(401);
    await again.close();
  });

  test('no password or token is ever written to the event log', async () => {
    const t = await startTestApp();
    const token = (await t.login()).slice('Bearer '.length);
    const all: string[] = [];
    for await (const e of t.infra.eventStore.readAll()) all.push(JSON.stringify(e));
    const log = all.join('\n');
    expect(log).not.toContain(SUPERADMIN.password);
    expect(log).not.toContain(token);
    expect(log).toContain('$argon2id$v=19$m=19456,t=2,p=1$');
    await t.close();
  });
});

describe('Bootstrap with a one-time setup link', () => {
  test('without credentials in the environment, the first boot issues a link that creates the super admin once', async () => {
    const t = await startTestApp({ SUPERADMIN_EMAIL: '', SUPERADMIN_PASSWORD: '', PUBLIC_URL: 'https://orgs.example.test' });
    expect(t.setupLink).toMatch(/^https:\/\/orgs\.example\.test\/setup\?token=[A-Za-z0-9_-]{43}$/);
    const token = String(parse(t.setupLink!, true).query.token);
    // The link lands on the same setup page as invitations, asking for the email too.
    const page = await t.http().get('/setup').query({ token });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Create the first super admin');
    expect(page.text).toMatch(/<input id="email" name="email" type="email"/);

    const weak = await t.http().post('/auth/setup').send({ token, email: 'owner@example.org', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('validation-failed');

    const noEmail = await t.http().post('/auth/setup').send({ token, password: 'a-long-enough-password' });
    expect(noEmail.status).toBe(400);

    const done = await t.http().post('/auth/setup').send({ token, email: 'owner@example.org', password: 'a-long-enough-password' });
    expect(done.status).toBe(201);
    expect((await t.http().post('/auth/login').send({ email: 'OWNER@example.org', password: 'a-long-enough-password' })).status).toBe(200);

    const reused = await t.http().post('/auth/setup').send({ token, email: 'thief@example.org', password: 'a-long-enough-password' });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('setup-link-invalid');
    await t.close();
  });

  test('two services starting together on one platform issue one link between them, and it works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-bootstrap-twice-'));
    const env = { SUPERADMIN_EMAIL: '', SUPERADMIN_PASSWORD: '', PUBLIC_URL: 'https://orgs.example.test' };
    // Two replicas of one platform: the same log, each with its own process state.
    const [a, b] = await Promise.all([startTestApp(env, dir), startTestApp(env, dir)]);
    try {
      const links = [a.setupLink, b.setupLink].filter((link): link is string => link !== null);
      expect(links).toHaveLength(1);
      let issued = 0;
      for await (const e of a.infra.eventStore.readAll()) if (e.type === 'BootstrapLinkIssued') issued++;
      expect(issued).toBe(1);
      // The printed link is the platform's: it works on the other replica too.
      const token = String(parse(links[0], true).query.token);
      const other = a.setupLink ? b : a;
      expect((await other.http().post('/auth/setup').send({ token, email: 'owner@example.org', password: 'a-long-enough-password' })).status).toBe(201);
    } finally {
      await a.close({ keepData: true });
      await b.close();
    }
  });

  test('a made-up token is refused with the same answer as a used one', async () => {
    const t = await startTestApp({ SUPERADMIN_EMAIL: '', SUPERADMIN_PASSWORD: '' });
    const response = await t.http().post('/auth/setup').send({ token: 'x'.repeat(43), email: 'owner@example.org', password: 'a-long-enough-password' });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('setup-link-invalid');
    await t.close();
  });
});

describe('Sign-in', () => {
  test('an unknown email and a wrong password get the same status and body', async () => {
    const t = await startTestApp();
    const unknown = await t.http().post('/auth/login').send({ email: 'nobody@platform.test', password: 'whatever-password' });
    const wrong = await t.http().post('/auth/login').send({ email: SUPERADMIN.email, password: 'wrong-password-123' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body.code).toBe('invalid-credentials');
    await t.close();
  });

  test('sign-out ends the session: the token is refused afterwards', async () => {
    const t = await startTestApp();
    const auth = await t.login();
    expect((await t.http().get('/organizations').set('Authorization', auth)).status).toBe(200);
    expect((await t.http().post('/auth/logout').set('Authorization', auth)).status).toBe(204);
    const after = await t.http().get('/organizations').set('Authorization', auth);
    expect(after.status).toBe(401);
    expect(after.headers['www-authenticate']).toBe('Bearer');
    await t.close();
  });

  test('sessions are stored as hashes only', async () => {
    const t = await startTestApp();
    const token = (await t.login()).slice('Bearer '.length);
    const { readFileSync, readdirSync } = await import('node:fs');
    const files = readdirSync(t.dataDir).filter((f) => f.startsWith('sessions.db'));
    const bytes = files.map((f) => readFileSync(`${t.dataDir}/${f}`).toString('latin1')).join('');
    expect(bytes).not.toContain(token);
    await t.close();
  });
});
