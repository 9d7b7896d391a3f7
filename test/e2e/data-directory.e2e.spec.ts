import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inviteAndSetUp } from '../support/members.js';
import { IMAGES, startTestApp, type TestApp } from '../support/test-app.js';

/** Every file and directory below `dir`, with its permission bits. */
function modes(dir: string): { path: string; mode: number; directory: boolean }[] {
  const found: { path: string; mode: number; directory: boolean }[] = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    found.push({ path, mode: stat.mode & 0o777, directory: stat.isDirectory() });
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(dir);
  return found;
}

let t: TestApp;
let dataDir: string;

beforeAll(async () => {
  // A data directory left by an older version: world-readable, with a readable file in it.
  const parent = mkdtempSync(join(tmpdir(), 'org-service-perm-'));
  dataDir = join(parent, 'data');
  mkdirSync(dataDir, { mode: 0o755 });
  chmodSync(dataDir, 0o755);
  writeFileSync(join(dataDir, 'old-notes.txt'), 'left by an older version', { mode: 0o644 });
  chmodSync(join(dataDir, 'old-notes.txt'), 0o644);
  t = await startTestApp({}, dataDir);
});
afterAll(async () => {
  await t.close();
});

describe('Data files are private', () => {
  test('the data directory is 0700 and every file the service writes in it is 0600, old ones included', async () => {
    const auth = await t.login();
    const org = await t.http().post('/organizations').set('Authorization', auth).send({ name: 'Private Files School', timeZone: 'UTC' });
    expect(org.status).toBe(201);
    // Writes to every store: the log, sessions, the audit log, the outbox and a logo blob.
    await inviteAndSetUp(t, auth, org.body.id, { email: 'perm@school.test', roles: ['admin'] }, 'a long enough password');
    const logo = await t.http().put(`/organizations/${org.body.id}/logo`).set('Authorization', auth).set('content-type', 'image/png').send(IMAGES.png);
    expect(logo.status).toBe(200);
    await t.http().get(`/organizations/${org.body.id}/audit`).set('Authorization', auth);

    const entries = modes(dataDir);
    const names = entries.map((e) => e.path.slice(dataDir.length + 1));
    for (const expected of ['events.db', 'sessions.db', 'audit.db', 'reactors.db', 'blobs', 'old-notes.txt']) expect(names).toContain(expected);
    expect(names.some((n) => n.startsWith('outbox/'))).toBe(true);
    expect(names.some((n) => n.startsWith('blobs/'))).toBe(true);
    const open = entries.filter((e) => (e.directory ? e.mode !== 0o700 : (e.mode & 0o077) !== 0));
    expect(open.map((e) => `${e.path} ${e.mode.toString(8)}`)).toEqual([]);
  });
});
