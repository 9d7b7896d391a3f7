import { afterEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '#event-store';
import { SqliteReadStore } from '../sqlite/sqlite-read-store.js';
import { ORGANIZATIONS, organizationsProjection } from '../projections/index.js';
import type { Doc, ReadCollection, ReadStore } from '../read-store.port.js';
import { LEASES, LeaseLostError, ReadStoreLease } from './lease.js';
import { ProjectionsHandler } from './projection-runner.js';

const dirs: string[] = [];
const stores: SqliteReadStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One read.db opened by several connections, as several processes would. */
function connections(count: number): SqliteReadStore[] {
  const dir = mkdtempSync(join(tmpdir(), 'lease-'));
  dirs.push(dir);
  const opened = Array.from({ length: count }, () => new SqliteReadStore(join(dir, 'read.db')));
  stores.push(...opened);
  return opened;
}

const clock = (start = 1_000_000) => {
  const c = { now: start, fn: () => c.now };
  return c;
};

let position = 0;
function organizationCreated(name: string): RecordedEvent {
  const id = randomUUID();
  position++;
  return {
    id: randomUUID(),
    streamName: `organization-${id}`,
    type: 'OrganizationCreated',
    revision: 0,
    position,
    recordedAt: '2026-11-30T10:00:00.000Z',
    data: { organizationId: id, name, description: null, timeZone: 'UTC', createdAt: '2026-11-30T10:00:00.000Z' },
    metadata: { schemaVersion: 1, actorId: 'admin-1', actorKind: 'member', organizationId: id, occurredAt: '2026-11-30T10:00:00.000Z' },
  } as RecordedEvent;
}

describe('the processors lease', () => {
  test('one holder at a time; a standby takes over once the lease expires, with the next fencing token', async () => {
    const [a, b] = connections(2);
    const time = clock();
    const first = new ReadStoreLease(a, 'log-processors', { ttlMs: 10_000, now: time.fn });
    const second = new ReadStoreLease(b, 'log-processors', { ttlMs: 10_000, now: time.fn });
    expect(await first.tryAcquire()).toBe(true);
    expect(first.fencingToken()).toBe(1);
    expect(await second.tryAcquire()).toBe(false);

    time.now += 9_000;
    expect(await first.renew()).toBe(true); // renewed: valid until 19 s from the start
    time.now += 9_000;
    expect(await second.tryAcquire()).toBe(false);

    time.now += 10_001; // no renewal for longer than the lifetime
    expect(await second.tryAcquire()).toBe(true);
    expect(second.fencingToken()).toBe(2);
    // The old holder finds out at its next renewal and holds nothing from then on.
    expect(await first.renew()).toBe(false);
    expect(first.held()).toBe(false);
  });

  test('a holder that was a process of this host and has exited frees the lease at once (a kill -9 on one machine)', async () => {
    const [a, b] = connections(2);
    const dead = new ReadStoreLease(a, 'log-processors', { ttlMs: 60_000 });
    expect(await dead.tryAcquire()).toBe(true);
    const meanwhile = new ReadStoreLease(b, 'log-processors', { ttlMs: 60_000, isAlive: () => true });
    expect(await meanwhile.tryAcquire()).toBe(false);
    const after = new ReadStoreLease(b, 'log-processors', { ttlMs: 60_000, isAlive: () => false });
    expect(await after.tryAcquire()).toBe(true);
    expect(after.fencingToken()).toBe(2);
  });

  test('a holder whose pid belongs elsewhere (another host, another container\'s pid namespace) is never judged dead by its pid', async () => {
    const [a] = connections(1);
    await a.collection(LEASES).bulkWrite([{ insertOne: { document: { _id: 'log-processors', owner: 'other', host: 'projector-2/pid:[4026532000]', pid: 4242, token: 7, expiresAt: Date.now() + 60_000 } } }]);
    const here = new ReadStoreLease(a, 'log-processors', { ttlMs: 60_000, isAlive: () => false });
    expect(await here.tryAcquire()).toBe(false);
  });

  test('a graceful release lets a standby in without waiting for the expiry', async () => {
    const [a, b] = connections(2);
    const first = new ReadStoreLease(a, 'log-processors', { ttlMs: 60_000, isAlive: () => true });
    const second = new ReadStoreLease(b, 'log-processors', { ttlMs: 60_000, isAlive: () => true });
    expect(await first.tryAcquire()).toBe(true);
    expect(await second.tryAcquire()).toBe(false);
    await first.release();
    expect(await second.tryAcquire()).toBe(true);
  });

  test('of ten standbys racing for a free lease, exactly one wins', async () => {
    const opened = connections(10);
    // Records the order of reads and writes on the lease collection, to show that the racers raced.
    const trace: string[] = [];
    const traced = (store: ReadStore): ReadStore =>
      Object.assign(Object.create(store) as ReadStore, {
        collection: <T extends Doc>(name: string): ReadCollection<T> => {
          const inner = store.collection<T>(name);
          return Object.assign(Object.create(inner) as ReadCollection<T>, {
            findOne: async (...args: Parameters<ReadCollection<T>['findOne']>) => (trace.push('read'), inner.findOne(...args)),
            bulkWrite: async (...args: Parameters<ReadCollection<T>['bulkWrite']>) => (trace.push('write'), inner.bulkWrite(...args)),
            updateOne: async (...args: Parameters<ReadCollection<T>['updateOne']>) => (trace.push('write'), inner.updateOne(...args)),
          });
        },
      });
    const racers = opened.map((store) => new ReadStoreLease(traced(store), 'log-processors', { isAlive: () => true }));
    const won = await Promise.all(racers.map((lease) => lease.tryAcquire()));
    expect(won.filter(Boolean)).toHaveLength(1);
    // Every racer read the lease as free before the first one wrote it.
    expect(trace.indexOf('write')).toBeGreaterThanOrEqual(10);
    expect(trace.filter((t) => t === 'write')).toHaveLength(10);
    const stored = await opened[0].collection(LEASES).findOne({ _id: 'log-processors' });
    expect(stored).toMatchObject({ token: 1, owner: racers[won.indexOf(true)].owner });
  });

  test('a deposed holder that wakes up after a takeover cannot write its batch: the fence refuses it, and nothing of it remains', async () => {
    const [a, b] = connections(2);
    const time = clock();
    const paused = new ReadStoreLease(a, 'log-processors', { ttlMs: 10_000, now: time.fn });
    const next = new ReadStoreLease(b, 'log-processors', { ttlMs: 10_000, now: time.fn });
    const oldProjector = new ProjectionsHandler(a, [organizationsProjection], undefined, undefined, () => paused.fence());
    const newProjector = new ProjectionsHandler(b, [organizationsProjection], undefined, undefined, () => next.fence());
    expect(await paused.tryAcquire()).toBe(true);
    await oldProjector.prepare();
    await oldProjector.handle([organizationCreated('Before the pause')]);

    time.now += 20_000; // the holder pauses (a long GC, a frozen VM) past its lease
    expect(await next.tryAcquire()).toBe(true);
    await newProjector.prepare();
    const taken = organizationCreated('Projected by the new holder');
    await newProjector.handle([taken]);

    // The old holder still believes in its token and writes a stale batch.
    await expect(oldProjector.handle([organizationCreated('Stale write')])).rejects.toBeInstanceOf(LeaseLostError);
    const names = (await b.collection(ORGANIZATIONS).find({}, { sort: { name: 1 } })).map((o) => o.name);
    expect(names).toEqual(['Before the pause', 'Projected by the new holder']);
    expect(await b.collection(LEASES).findOne({ _id: 'log-processors' })).toMatchObject({ token: 2, owner: next.owner });
  });
});
