import { describe, expect, test } from '@jest/globals';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { eventStoreContract } from '../testing/event-store.contract.js';
import { FaultyEventStore } from '../testing/faulty-event-store.js';
import { isNativeModuleFailure, NativeModuleError, SqliteEventStore } from './sqlite-event-store.js';

eventStoreContract('SQLite (in memory)', async () => new SqliteEventStore({ filename: ':memory:' }));

// Through the fault injector with 3 ms on every call, as a store across a network answers:
// the contract may not lean on calls answering in the same turn.
eventStoreContract('SQLite behind FaultyEventStore (3 ms a call)', async () => new FaultyEventStore(new SqliteEventStore({ filename: ':memory:' }), { delayMs: 3 }));

eventStoreContract('SQLite (file, WAL, synchronous=FULL)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-contract-'));
  const store = new SqliteEventStore({ filename: join(dir, 'events.db') });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return store;
});

describe('SqliteEventStore specifics', () => {
  test('two stores on one file (two processes on one data directory) see each other\'s appends: reads, head and a live subscription', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-two-'));
    const file = join(dir, 'events.db');
    const [a, b] = [new SqliteEventStore({ filename: file, synchronous: 'FULL' }), new SqliteEventStore({ filename: file, synchronous: 'FULL' })];
    try {
      await a.append('s-a', [{ id: randomUUID(), type: 'T', data: { by: 'a' }, metadata: {} }]);
      const seen: string[] = [];
      const subscription = a.subscribeToAll();
      const following = (async () => {
        for await (const event of subscription) {
          seen.push(String(event.data.by));
          if (seen.length === 3) break;
        }
      })();
      // b writes; a is not told by any signal of its own.
      await b.append('s-b', [{ id: randomUUID(), type: 'T', data: { by: 'b' }, metadata: {} }]);
      await b.append('s-b', [{ id: randomUUID(), type: 'T', data: { by: 'b' }, metadata: {} }], { expectedRevision: 0 });
      expect(await a.headPosition()).toBe(3);
      const read: string[] = [];
      for await (const event of a.readAll()) read.push(String(event.data.by));
      expect(read).toEqual(['a', 'b', 'b']);
      await Promise.race([following, new Promise((_, reject) => setTimeout(() => reject(new Error('the subscription did not see b\'s events')), 2_000))]);
      expect(seen).toEqual(['a', 'b', 'b']);
      await subscription.close();
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('uses WAL journaling and the requested synchronous level', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-wal-'));
    const file = join(dir, 'events.db');
    const store = new SqliteEventStore({ filename: file, synchronous: 'FULL' });
    await store.append('s-1', [{ id: randomUUID(), type: 'T', data: {}, metadata: {} }]);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('group commit: many concurrent appends share transactions and all land in order', async () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.append(`s-${i % 7}`, [{ id: randomUUID(), type: 'T', data: { i }, metadata: {} }])),
    );
    const positions = results.map((r) => r.position);
    expect(new Set(positions).size).toBe(200);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(await store.headPosition()).toBe(200);
    await store.close();
  });

  test('synchronous=FULL: an append is neither acknowledged nor visible to log readers until the WAL is synced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-sync-'));
    const held: (() => void)[] = [];
    let synced = 0;
    // Resolved when the store asks for the sync: the moment to look, rather than a sleep.
    let syncAsked!: () => void;
    const asked = new Promise<void>((resolve) => (syncAsked = resolve));
    const store = new SqliteEventStore({
      filename: join(dir, 'events.db'),
      fdatasync: (fd, done) => {
        held.push(() => fdatasync(fd, (error) => { synced++; done(error); }));
        syncAsked();
      },
    });
    let acknowledged = false;
    const append = store.append('s-1', [{ id: randomUUID(), type: 'T', data: {}, metadata: {} }]).then((r) => ((acknowledged = true), r));
    await asked;
    expect(held).toHaveLength(1);
    expect(acknowledged).toBe(false);
    // Committed (a decision reading the stream sees it) but not on disk: the log's readers do not see it yet.
    expect(await store.readStream('s-1')).toHaveLength(1);
    expect(store.readAllPage(0, 10)).toEqual([]);
    expect(await store.headPosition()).toBe(0);
    held.shift()!();
    expect((await append).position).toBe(1);
    expect(synced).toBe(1);
    expect(store.readAllPage(0, 10).map((e) => e.position)).toEqual([1]);
    expect(await store.headPosition()).toBe(1);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('synchronous=FULL: a failed sync fails the appends it covers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-sync-fail-'));
    const store = new SqliteEventStore({ filename: join(dir, 'events.db'), fdatasync: (_fd, done) => done(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })) });
    await expect(store.append('s-1', [{ id: randomUUID(), type: 'T', data: {}, metadata: {} }])).rejects.toThrow('EIO');
    expect(store.readAllPage(0, 10)).toEqual([]);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an injected storage error is remembered for health until a write succeeds again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-write-error-'));
    let failing = true;
    const store = new SqliteEventStore({
      filename: join(dir, 'events.db'),
      fdatasync: (fd, done) => (failing ? done(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) : fdatasync(fd, done)),
    });
    await expect(store.append('s-1', [{ id: randomUUID(), type: 'T', data: {}, metadata: {} }])).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(store.lastWriteError()).toMatchObject({ code: 'ENOSPC' });
    failing = false;
    await store.append('s-2', [{ id: randomUUID(), type: 'T', data: {}, metadata: {} }]);
    expect(store.lastWriteError()).toBeNull();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a driver built for another Node.js', () => {
  // The words Node.js 24 said about a better-sqlite3 built under Node.js 20 (a CI run on Node 24).
  const abiMismatch = Object.assign(
    new Error(
      "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 137. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
    ),
    { code: 'ERR_DLOPEN_FAILED' },
  );

  test('is told apart from a damaged data file, and the message says what to run', () => {
    expect(isNativeModuleFailure(abiMismatch)).toBe(true);
    expect(isNativeModuleFailure(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }))).toBe(false);
    const explained = new NativeModuleError(abiMismatch);
    expect(explained.message).toContain('The data files are not at fault');
    expect(explained.message).toContain('npm rebuild better-sqlite3');
    expect(explained.message).not.toContain('do not delete');
  });
});
