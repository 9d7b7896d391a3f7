import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { eventStoreContract } from '../testing/event-store.contract.js';
import { SqliteEventStore } from './sqlite-event-store.js';

eventStoreContract('SQLite (in memory)', async () => new SqliteEventStore({ filename: ':memory:' }));

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
});
