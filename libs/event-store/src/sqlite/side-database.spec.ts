import { describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSideDatabase } from './side-database.js';
import { SqliteEventStore } from './sqlite-event-store.js';

/**
 * Another process holds the write lock of a new (rollback-journal) file for `holdMs`, as a
 * second process converting the same file to WAL does. Resolves once the lock is held.
 */
async function holdWriteLock(file: string, holdMs: number): Promise<{ released: Promise<number> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('held\\n');
    setTimeout(() => { const at = Date.now(); db.exec('COMMIT'); db.close(); process.stdout.write('released ' + at + '\\n'); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, file, String(holdMs)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('held')) resolve();
    });
    child.on('exit', (code) => (output.includes('held') ? undefined : reject(new Error(`lock holder exited (${code})`))));
  });
  // The time just before the holder let go, by its own clock (this process may be blocked in a synchronous open then).
  return { released: new Promise((resolve) => child.on('exit', () => resolve(Number(/released (\d+)/.exec(output)?.[1])))) };
}

function newRollbackFile(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'side-db-'));
  const file = join(dir, 'store.db');
  const db = new Database(file);
  db.exec('CREATE TABLE t (a)'); // a rollback-journal file with a header, as after a first open
  db.close();
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('opening a SQLite file while another process converts it to WAL', () => {
  test('the bare pragma fails at once with SQLITE_BUSY: the race the processes started together ran into', async () => {
    const { file, cleanup } = newRollbackFile();
    try {
      const holder = await holdWriteLock(file, 300);
      const db = new Database(file); // better-sqlite3's 5 s busy timeout is on, and is not used
      const startedAt = Date.now();
      let code: unknown;
      try {
        db.pragma('journal_mode = WAL');
      } catch (error) {
        code = (error as { code?: unknown }).code;
      }
      expect(code).toBe('SQLITE_BUSY');
      expect(Date.now() - startedAt).toBeLessThan(250); // answered before the holder let go
      db.close();
      await holder.released;
    } finally {
      cleanup();
    }
  });

  test('a side store waits for the other process and opens in WAL mode', async () => {
    const { file, cleanup } = newRollbackFile();
    try {
      const holder = await holdWriteLock(file, 300);
      const db = openSideDatabase(file);
      const openedAt = Date.now();
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(openedAt).toBeGreaterThanOrEqual(await holder.released); // it did wait for the holder
      db.close();
    } finally {
      cleanup();
    }
  });

  test('so does the event log', async () => {
    const { file, cleanup } = newRollbackFile();
    try {
      const holder = await holdWriteLock(file, 300);
      const store = new SqliteEventStore({ filename: file });
      const openedAt = Date.now();
      expect(openedAt).toBeGreaterThanOrEqual(await holder.released);
      await store.append('s', [{ id: randomUUID(), type: 'T', data: {}, metadata: {} }]);
      expect((await store.readStream('s')).length).toBe(1);
      await store.close();
    } finally {
      cleanup();
    }
  });
});
