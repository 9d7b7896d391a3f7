import { afterEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '#event-store';
import type { EventToAppend } from '#event-store';
import { SqliteReadStore } from '../sqlite/sqlite-read-store.js';
import type { CollectionWriteOp, IndexSpec, ReadStore } from '../read-store.port.js';
import { ORGANIZATIONS, organizationsProjection } from '../projections/organizations.projection.js';
import { ALL_PROJECTIONS } from '../projections/index.js';
import { CHECKPOINTS, ProjectionRunner, ProjectionsHandler } from './projection-runner.js';

const meta = (occurredAt = '2026-11-23T10:00:00.000Z') => ({ schemaVersion: 1, occurredAt });
const created = (id: string, name: string): EventToAppend => ({
  id: randomUUID(),
  type: 'OrganizationCreated',
  data: { organizationId: id, name, description: null, timeZone: 'UTC', createdAt: '2026-11-23T10:00:00.000Z' },
  metadata: meta(),
});
const renamed = (id: string, before: string, after: string): EventToAppend => ({
  id: randomUUID(),
  type: 'OrganizationSettingsUpdated',
  data: { organizationId: id, changes: { name: { before, after } } },
  metadata: meta('2026-11-23T11:00:00.000Z'),
});

async function dump(store: ReadStore, collection: string) {
  return store.collection(collection).find({}, { sort: { _id: 1 } });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function setup() {
  const events = new SqliteEventStore({ filename: ':memory:' });
  const read = new SqliteReadStore(':memory:');
  cleanups.push(() => events.close());
  return { events, read };
}

async function run(events: SqliteEventStore, read: ReadStore, options: ConstructorParameters<typeof ProjectionRunner>[3] = {}) {
  const runner = new ProjectionRunner(events, read, ALL_PROJECTIONS, options);
  await runner.start();
  cleanups.push(() => runner.stop());
  await runner.catchUp(10_000);
  return runner;
}

describe('ProjectionRunner', () => {
  test('applies events in log order and stores its checkpoint with the writes', async () => {
    const { events, read } = setup();
    const id = randomUUID();
    await events.append(`organization-${id}`, [created(id, 'First')]);
    await events.append(`organization-${id}`, [renamed(id, 'First', 'Second')]);
    const last = await events.append(`organization-${id}`, [renamed(id, 'Second', 'Third')]);
    const runner = await run(events, read);
    expect(await read.collection(ORGANIZATIONS).findOne({ _id: id })).toMatchObject({ name: 'Third', revision: 2, _position: last.position });
    expect(await runner.checkpoint()).toBe(last.position);
    expect(await read.collection(CHECKPOINTS).findOne({ _id: 'organizations_v5' })).toEqual({ _id: 'organizations_v5', position: last.position });
  });

  test('keeps up with live events after catching up, and waitFor resolves on the position', async () => {
    const { events, read } = setup();
    const runner = await run(events, read);
    const id = randomUUID();
    const result = await events.append(`organization-${id}`, [created(id, 'Live')]);
    expect(await runner.waitFor(result.position, 5000)).toBe(true);
    expect((await read.collection(ORGANIZATIONS).findOne({ _id: id }))?.name).toBe('Live');
  });

  test('waitFor answers false when the position is not reached in time', async () => {
    const { events, read } = setup();
    const runner = await run(events, read);
    expect(await runner.waitFor(999, 50)).toBe(false);
  });

  test('a redelivered event (crash after writing, before the checkpoint) changes no read model twice', async () => {
    const { events, read } = setup();
    const id = randomUUID();
    await events.append(`organization-${id}`, [created(id, 'Before')]);
    await events.append(`organization-${id}`, [renamed(id, 'Before', 'After')]);

    // A read store that, the first time, writes the documents and then "crashes" before the checkpoint.
    let crashed = false;
    const crashing: ReadStore = Object.create(read);
    crashing.applyBatch = async (ops: CollectionWriteOp[]) => {
      if (!crashed) {
        crashed = true;
        await read.applyBatch(ops.filter((op) => op.collection !== CHECKPOINTS));
        throw new Error('process died before the checkpoint');
      }
      return read.applyBatch(ops);
    };
    const runner = await run(events, crashing, { retryDelayMs: 1 });
    expect(crashed).toBe(true);
    const [doc] = await dump(read, ORGANIZATIONS);
    expect(doc).toMatchObject({ name: 'After', revision: 1 });

    // And a checkpoint lost altogether: the whole log is delivered again, nothing changes.
    const before = await dump(read, ORGANIZATIONS);
    await runner.stop();
    await read.collection(CHECKPOINTS).deleteMany({});
    await run(events, read);
    expect(await dump(read, ORGANIZATIONS)).toEqual(before);
  });

  test('an old event delivered again after newer ones changes nothing (position guard)', async () => {
    const read = new SqliteReadStore(':memory:');
    const id = randomUUID();
    const recorded = (e: EventToAppend, revision: number, position: number) => ({ ...e, streamName: `organization-${id}`, revision, position, recordedAt: '' });
    const first = recorded(created(id, 'One'), 0, 1);
    const second = recorded(renamed(id, 'One', 'Two'), 1, 2);
    const third = recorded(renamed(id, 'Two', 'Three'), 2, 3);
    for (const event of [first, second, third]) await read.applyBatch(organizationsProjection.project(event));
    const settled = await dump(read, ORGANIZATIONS);
    // Without the guard, replaying `second` would turn the name back to "Two".
    for (const event of [second, first, second]) await read.applyBatch(organizationsProjection.project(event));
    expect(await dump(read, ORGANIZATIONS)).toEqual(settled);
    expect(settled).toEqual([expect.objectContaining({ name: 'Three', revision: 2, _position: 3 })]);
  });

  test('rebuilding from position zero gives the same documents as the live read models', async () => {
    const { events, read } = setup();
    const liveRunner = await run(events, read);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      await events.append(`organization-${id}`, [created(id, `Org ${i}`)]);
      await events.append(`organization-${id}`, [renamed(id, `Org ${i}`, `Renamed ${i}`)]);
    }
    const head = await events.headPosition();
    expect(await liveRunner.waitFor(head, 5000)).toBe(true);
    const fresh = new SqliteReadStore(':memory:');
    await run(events, fresh);
    for (const projection of ALL_PROJECTIONS)
      for (const { name } of projection.collections) expect(await dump(fresh, name)).toEqual(await dump(read, name));
    expect((await dump(fresh, ORGANIZATIONS)).length).toBe(5);
    expect(await fresh.collection(CHECKPOINTS).findOne({ _id: 'organizations_v5' })).toMatchObject({ position: head });
  });

  test('a new projection version starts from zero while the others keep their checkpoints', async () => {
    const { events, read } = setup();
    const id = randomUUID();
    await events.append(`organization-${id}`, [created(id, 'Versioned')]);
    const first = await run(events, read);
    await first.stop();
    const v2 = { ...organizationsProjection, version: 4, collections: [{ name: 'organizations_v5', indexes: [] }], project: (e: Parameters<typeof organizationsProjection.project>[0]) =>
      organizationsProjection.project(e).map((op) => ({ ...op, collection: 'organizations_v5' })) };
    const runner = new ProjectionRunner(events, read, [...ALL_PROJECTIONS, v2]);
    await runner.start();
    cleanups.push(() => runner.stop());
    await runner.catchUp(5000);
    expect((await read.collection('organizations_v5').findOne({ _id: id }))?.name).toBe('Versioned');
  });

  test('a build from the start over a long log writes first, then creates its indexes and ends the bulk load', async () => {
    const { events, read } = setup();
    for (let i = 0; i < 30; i++) {
      const id = randomUUID();
      await events.append(`organization-${id}`, [created(id, `Bulk ${i}`)]);
    }
    const calls: string[] = [];
    const watched: ReadStore = Object.create(read);
    watched.bulkLoad = async (active) => void calls.push(`bulk ${active}`);
    watched.applyBatch = async (ops) => (calls.push('batch'), read.applyBatch(ops));
    watched.collection = (name) => {
      const collection = read.collection(name);
      return Object.assign(Object.create(collection), { createIndex: (spec: IndexSpec) => (calls.push(spec.substring ? `search ${name}` : `index ${name}`), collection.createIndex(spec)) });
    };
    await run(events, watched, { bulkBuildMinEvents: 10 });
    // A search hint is declared at once (it costs nothing); the indexes wait for the build.
    expect(calls.filter((c) => c.startsWith('search'))).toEqual(['search members_v3']);
    calls.splice(0, calls.length, ...calls.filter((c) => !c.startsWith('search')));
    const firstIndex = calls.findIndex((c) => c.startsWith('index'));
    expect(calls[0]).toBe('bulk true');
    expect(calls.slice(1, firstIndex).every((c) => c === 'batch') && firstIndex > 1).toBe(true);
    expect(calls[calls.length - 1]).toBe('bulk false');
    expect(calls).toContain(`index ${ORGANIZATIONS}`);
    // Below the threshold the indexes come first, and there is no bulk load.
    const small = setup();
    const id = randomUUID();
    await small.events.append(`organization-${id}`, [created(id, 'Small')]);
    calls.length = 0;
    const watchedSmall: ReadStore = Object.create(small.read);
    watchedSmall.bulkLoad = async (active) => void calls.push(`bulk ${active}`);
    await run(small.events, watchedSmall, { bulkBuildMinEvents: 10 });
    expect(calls).toEqual([]);
  });

  test('a checkpoint never moves back: a second, stale projector writing an older batch leaves it where it is', async () => {
    const read = new SqliteReadStore(':memory:');
    const id = randomUUID();
    const recorded = (e: EventToAppend, revision: number, position: number) => ({ ...e, streamName: `organization-${id}`, revision, position, recordedAt: '' });
    const batch = [recorded(created(id, 'One'), 0, 1), recorded(renamed(id, 'One', 'Two'), 1, 2), recorded(renamed(id, 'Two', 'Three'), 2, 3)];
    const ahead = new ProjectionsHandler(read, ALL_PROJECTIONS);
    const stale = new ProjectionsHandler(read, ALL_PROJECTIONS);
    // Both read their checkpoints (none yet) before either writes.
    await ahead.checkpoint();
    await stale.checkpoint();
    await ahead.handle(batch);
    await stale.handle(batch.slice(0, 2));
    expect(await read.collection(CHECKPOINTS).findOne({ _id: 'organizations_v5' })).toEqual({ _id: 'organizations_v5', position: 3 });
    expect((await read.collection(ORGANIZATIONS).findOne({ _id: id }))?.name).toBe('Three');
  });
});
