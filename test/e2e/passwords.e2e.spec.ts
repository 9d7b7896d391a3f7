import { describe, expect, test } from '@jest/globals';
import { inviteAndSetUpPlatformAuditor, setupTokenFromLog } from '../support/members.js';
import { withTestApp, type TestApp } from '../support/test-app.js';

// OWASP ASVS 5.0, chapter 6: at least 12 characters after trimming, at most 128, no
// composition rules, and no password from a list of common or breached ones.
let t: TestApp;
let root: string;
let orgId: string;
withTestApp(async (app, token) => {
  t = app;
  root = token;
  orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Password School', timeZone: 'UTC' })).body.id;
});

let n = 0;
async function invitationToken(): Promise<string> {
  const invited = await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root)
    .send({ email: `pw${++n}@school.test`, firstName: 'Pat', lastName: 'Word', roles: ['instructor'] });
  expect(invited.status).toBe(201);
  return setupTokenFromLog(t, orgId, invited.body.id);
}

describe('Password policy at setup', () => {
  test.each([
    ['twelve spaces', ' '.repeat(12), 'password must be at least 12 characters'],
    ['eleven characters padded with spaces', '   abcdefghijk   ', 'password must be at least 12 characters'],
    ['129 characters', 'x'.repeat(129), 'password must be at most 128 characters'],
    // Both appear in the common-password list shipped with @zxcvbn-ts/language-common.
    ['a common password', 'qwerty123456', 'password is on a list of common or breached passwords'],
    ['a common password in other case', 'QWERTY123456', 'password is on a list of common or breached passwords'],
    ['a common password with spaces around it', '  1qaz2wsx3edc ', 'password is on a list of common or breached passwords'],
  ])('refuses %s with a field error that says why', async (_label, password, message) => {
    const token = await invitationToken();
    const response = await t.http().post('/auth/setup').send({ token, password });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation-failed');
    expect(response.body.errors).toEqual([{ field: 'password', message: expect.stringContaining(message) }]);
    // The link still works: a refused password uses nothing up.
    expect((await t.http().post('/auth/setup').send({ token, password: 'five unrelated words here' })).status).toBe(201);
  });

  test('accepts 12 characters, 128 characters, and passphrases without digits or symbols', async () => {
    for (const password of ['abcdefghijkl', 'y'.repeat(128), 'correct horse battery staple', '  spaces inside count  ']) {
      const token = await invitationToken();
      const response = await t.http().post('/auth/setup').send({ token, password });
      expect({ password, status: response.status }).toEqual({ password, status: 201 });
    }
  });

  test('the setup page says why a common password was refused', async () => {
    const token = await invitationToken();
    const page = await t.http().post('/auth/setup').type('form').send({ token, password: 'qwerty123456', passwordConfirmation: 'qwerty123456' });
    expect(page.status).toBe(400);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('password is on a list of common or breached passwords');
  });
});

describe('Changing one\'s own password', () => {
  const start = 'first password of pat';
  let person = 0;
  async function member(): Promise<{ email: string; token: string }> {
    const email = `change${++person}@school.test`;
    const invited = await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email, firstName: 'Pat', lastName: 'Change', roles: ['instructor'] });
    expect(invited.status).toBe(201);
    expect((await t.http().post('/auth/setup').send({ token: await setupTokenFromLog(t, orgId, invited.body.id), password: start })).status).toBe(201);
    return { email, token: `Bearer ${(await t.http().post('/auth/login').send({ email, password: start })).body.accessToken}` };
  }
  const change = (token: string, body: object) => t.http().post('/auth/password').set('Authorization', token).send(body);
  const signIn = (email: string, password: string) => t.http().post('/auth/login').send({ email, password });

  test('every session ends, this one too; the answer is a new session; only the new password signs in', async () => {
    const { email, token } = await member();
    const elsewhere = `Bearer ${(await signIn(email, start)).body.accessToken}`;
    const changed = await change(token, { currentPassword: start, newPassword: 'second password of pat' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String) });
    for (const old of [token, elsewhere]) expect((await t.http().get('/auth/me').set('Authorization', old)).status).toBe(401);
    expect((await t.http().get('/auth/me').set('Authorization', `Bearer ${changed.body.accessToken}`)).body.email).toBe(email);
    expect((await signIn(email, start)).status).toBe(401);
    expect((await signIn(email, 'second password of pat')).status).toBe(200);
  });

  test('a wrong current password changes nothing: 400 current-password-incorrect, and the session goes on', async () => {
    const { email, token } = await member();
    const refused = await change(token, { currentPassword: 'not the password', newPassword: 'second password of pat' });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('current-password-incorrect');
    expect((await t.http().get('/auth/me').set('Authorization', token)).status).toBe(200);
    expect((await signIn(email, start)).status).toBe(200);
  });

  test("the organization's minimum holds at a change as at setup (16 here), and so does the rest of the policy", async () => {
    expect((await t.http().patch(`/organizations/${orgId}/settings`).set('Authorization', root).send({ policies: { passwordMinLength: 16 } })).status).toBe(200);
    try {
      const { email, token } = await member();
      const short = await change(token, { currentPassword: start, newPassword: 'fifteen-chars-x' });
      expect(short.status).toBe(400);
      expect(short.body.errors).toEqual([{ field: 'newPassword', message: 'password must be at least 16 characters, not counting spaces at either end' }]);
      const ownEmail = await change(token, { currentPassword: start, newPassword: email });
      expect(ownEmail.body.errors).toEqual([{ field: 'newPassword', message: 'password must not be your email address' }]);
      expect((await change(token, { currentPassword: start, newPassword: 'sixteen-chars-ok' })).status).toBe(200);
      expect((await signIn(email, 'sixteen-chars-ok')).status).toBe(200);
    } finally {
      await t.http().patch(`/organizations/${orgId}/settings`).set('Authorization', root).send({ policies: { passwordMinLength: 12 } });
    }
  });

  test('guessing the current password is throttled with sign-in: after 5 wrong ones, 429 here and at sign-in', async () => {
    const { email, token } = await member();
    for (let i = 0; i < 5; i++) expect((await change(token, { currentPassword: `guess number ${i}`, newPassword: 'second password of pat' })).status).toBe(400);
    const blocked = await change(token, { currentPassword: start, newPassword: 'second password of pat' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signIn(email, start)).status).toBe(429);
  });

  test('a platform auditor changes theirs; signed out, nobody can', async () => {
    await inviteAndSetUpPlatformAuditor(t, root, 'auditor-change@platform.test', start);
    const token = `Bearer ${(await signIn('auditor-change@platform.test', start)).body.accessToken}`;
    expect((await change(token, { currentPassword: start, newPassword: 'second password of pat' })).status).toBe(200);
    expect((await signIn('auditor-change@platform.test', 'second password of pat')).status).toBe(200);
    expect((await t.http().post('/auth/password').send({ currentPassword: start, newPassword: 'third password of pat' })).status).toBe(401);
  });
});
