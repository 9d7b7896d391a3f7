import { afterEach, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent, Subscription } from '../event-store.port.js';
import { SqliteEventStore } from '../sqlite/sqlite-event-store.js';
import { LogProcessor } from './log-processor.js';
import { lagInEvents } from './lag.js';

/**
 * EventStoreDB numbers its log by byte offsets: between two events of 137 bytes the
 * positions differ by 137. A log with such positions, made from a SQLite log, shows
 * that lag is counted in events, not in position arithmetic.
 */
const BYTES = 137;
function byteOffsetLog(inner: SqliteEventStore): EventStore {
  const scale = (event: RecordedEvent): RecordedEvent => ({ ...event, position: event.position * BYTES });
  return {
    kind: 'eventstoredb',
    append: async (stream, events, options) => {
      const result = await inner.append(stream, events, options);
      return { ...result, position: result.position * BYTES };
    },
    readStream: async (stream, options) => (await inner.readStream(stream, options)).map(scale),
    readAll: (options) => ({
      async *[Symbol.asyncIterator]() {
        for await (const event of inner.readAll({ ...options, after: Math.floor((options?.after ?? 0) / BYTES) })) yield scale(event);
      },
    }),
    subscribeToAll: (options): Subscription => {
      const subscription = inner.subscribeToAll({ after: Math.floor((options?.after ?? 0) / BYTES) });
      return {
        close: () => subscription.close(),
        async *[Symbol.asyncIterator]() {
          for await (const event of subscription) yield scale(event);
        },
      };
    },
    headPosition: async () => (await inner.headPosition()) * BYTES,
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}

const opened: EventStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

async function logOf(count: number): Promise<EventStore> {
  const store = byteOffsetLog(new SqliteEventStore({ filename: ':memory:' }));
  opened.push(store);
  for (let i = 0; i < count; i++) await store.append(`lag-${randomUUID()}`, [{ id: randomUUID(), type: 'Happened', data: { i }, metadata: {} }]);
  return store;
}

test('lag is the number of events after the checkpoint, where positions are byte offsets', async () => {
  const store = await logOf(10);
  const head = await store.headPosition();
  expect(head).toBe(10 * BYTES);
  expect(await lagInEvents(store, 4 * BYTES, head)).toEqual({ events: 6, atLeast: false });
  expect(await lagInEvents(store, head, head)).toEqual({ events: 0, atLeast: false });
  // Counting stops at its cap and says so.
  expect(await lagInEvents(store, 0, head, 3)).toEqual({ events: 3, atLeast: true });
});

test("a processor's health gives its lag in events", async () => {
  const store = await logOf(5);
  const handled: number[] = [];
  const processor = new LogProcessor(store, { name: 'counter', checkpoint: async () => 2 * BYTES, handle: async (batch) => void handled.push(...batch.map((e) => e.position)) });
  const health = await processor.health();
  expect(health).toMatchObject({ checkpoint: 0, headPosition: 5 * BYTES, lag: 5 });
  await processor.start();
  await processor.catchUp(5_000);
  expect(handled).toEqual([3 * BYTES, 4 * BYTES, 5 * BYTES]);
  expect(await processor.health()).toMatchObject({ lag: 0 });
  await processor.stop();
});
