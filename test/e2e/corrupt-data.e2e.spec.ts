import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApp } from '../support/test-app.js';

const MAIN = resolve('dist/apps/command-api/src/main.js');
const CHECK = resolve('dist/apps/command-api/src/tools/check-data.js');
let good: string;
const dirs: string[] = [];

/** Runs a built program to its end: exit code and everything it printed. */
function run(program: string, dataDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [program], { env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

/** A copy of the good data directory to damage. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'org-corrupt-'));
  dirs.push(dir);
  cpSync(good, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  expect(existsSync(MAIN)).toBe(true); // `npm test` builds before running the tests
  const t = await startTestApp();
  const root = await t.login();
  for (let i = 0; i < 40; i++) await t.http().post('/organizations').set('Authorization', root).send({ name: `Corruptible ${i}`, description: 'x'.repeat(400), timeZone: 'UTC' });
  await t.close({ keepData: true });
  good = t.dataDir;
  dirs.push(good);
  // Every page in events.db itself, none left in a write-ahead log: a cut made to the file
  // then always loses pages, and SQLite refuses a file shorter than its header says at
  // open. (With frames left in events.db-wal, the cut pages could be read from there and
  // the service start; that made this suite flaky.)
  const log = new Database(join(good, 'events.db'));
  log.pragma('wal_checkpoint(TRUNCATE)');
  log.close();
  expect(existsSync(join(good, 'events.db-wal'))).toBe(false);
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const actionable = (out: string, file: string) => {
  expect(out).toContain(file);
  expect(out).toContain('npm run check-data');
  expect(out).toContain('backup');
  // No stack trace: nothing like "    at Foo (file.js:1:2)".
  expect(out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
};

describe('A damaged events.db stops start-up with a message a person can act on', () => {
  // Longer than run()'s 30 s: a service that does not stop is then reported with what it printed.
  test('a truncated log', async () => {
    const dir = copy();
    const file = join(dir, 'events.db');
    truncateSync(file, Math.floor(statSync(file).size / 3));
    const { code, out } = await run(MAIN, dir);
    expect({ code, out: code === 1 ? '' : out }).toEqual({ code: 1, out: '' });
    actionable(out, file);
  }, 45_000);

  test('a file that is not a database at all', async () => {
    const dir = copy();
    const file = join(dir, 'events.db');
    writeFileSync(file, 'this is not an SQLite file '.repeat(400));
    const { code, out } = await run(MAIN, dir);
    expect(code).toBe(1);
    actionable(out, file);
    expect(out).toContain('is not an SQLite database');
  });
});

describe('npm run check-data', () => {
  test('passes on an intact data directory and says what it checked', async () => {
    const { code, out } = await run(CHECK, copy());
    // 40 organizations and their 40 slug reservations, the super admin and their address's reservation.
    expect(out).toContain('events.db: 82 events in 82 streams');
    expect(out).toContain('hash chains intact');
    expect(code).toBe(0);
  });

  test('names the position of an edited event, and fails', async () => {
    const dir = copy();
    const db = new Database(join(dir, 'events.db'));
    const row = db.prepare("SELECT position, data FROM events WHERE type = 'OrganizationCreated' ORDER BY position LIMIT 1 OFFSET 10").get() as { position: number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace('Corruptible', 'Forged'), row.position);
    db.close();
    const { code, out } = await run(CHECK, dir);
    expect(out).toContain(`BROKEN at position ${row.position}`);
    expect(out).toContain('content-hash-mismatch');
    expect(code).toBe(1);
  });

  test('finds a truncated log damaged', async () => {
    const dir = copy();
    const file = join(dir, 'events.db');
    truncateSync(file, Math.floor(statSync(file).size / 3));
    const { code, out } = await run(CHECK, dir);
    expect(out).toMatch(/events\.db: (DAMAGED|the log could not be read)/);
    expect(code).toBe(1);
  });
});

