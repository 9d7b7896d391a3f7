import { describe, expect, test } from '@jest/globals';
import { setupTokenFromLog } from '../support/members.js';
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
