import { describe, expect, test, beforeEach, afterEach } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError, type EventStore, type EventToAppend, type RecordedEvent } from '../event-store.port.js';

const event = (type = 'ThingHappened', data: Record<string, unknown> = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data: { ...data },
  metadata: { correlationId: randomUUID() },
});

async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

/**
 * The behaviour every EventStore adapter promises. Run against SQLite in `npm test`
 * and against EventStoreDB in `npm run test:integration`.
 */
export function eventStoreContract(name: string, factory: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    // Each test uses fresh stream names, so the suite also runs on a shared server.
    const stream = () => `contract-${randomUUID()}`;

    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    test('appends to a new stream and returns revision and global position', async () => {
      const s = stream();
      const first = await store.append(s, [event(), event()], { expectedRevision: 'no_stream' });
      expect(first.nextRevision).toBe(1);
      expect(first.position).toBeGreaterThan(0);
      const second = await store.append(s, [event()], { expectedRevision: 1 });
      expect(second.nextRevision).toBe(2);
      expect(second.position).toBeGreaterThan(first.position);
    });

    test('reads a stream back in order with data, metadata, revisions and positions', async () => {
      const s = stream();
      const written = [event('A', { n: 1 }), event('B', { n: 2, nested: { ok: true } }), event('C', { n: 3 })];
      await store.append(s, written, { expectedRevision: 'no_stream' });
      const read = await store.readStream(s);
      expect(read.map((e) => e.id)).toEqual(written.map((e) => e.id));
      expect(read.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      expect(read[1].data).toEqual({ n: 2, nested: { ok: true } });
      expect(read[1].metadata).toEqual(written[1].metadata);
      expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(read.every((e) => e.streamName === s)).toBe(true);
      expect(read[0].position).toBeLessThan(read[2].position);
      expect(Number.isNaN(Date.parse(read[0].recordedAt))).toBe(false);
    });

    test('reads a stream from a revision', async () => {
      const s = stream();
      await store.append(s, [event('A'), event('B'), event('C')]);
      expect((await store.readStream(s, { fromRevision: 1 })).map((e) => e.type)).toEqual(['B', 'C']);
    });

    test('reading a stream that does not exist gives no events', async () => {
      expect(await store.readStream(stream())).toEqual([]);
    });

    test.each([
      ['no_stream on an existing stream', 'no_stream' as const, true],
      ['an exact revision that is stale', 0, true],
      ['an exact revision ahead of the stream', 5, true],
      ['stream_exists on a missing stream', 'stream_exists' as const, false],
      ['an exact revision on a missing stream', 0, false],
    ])('a wrong expected revision (%s) raises WrongExpectedRevisionError and writes nothing', async (_label, expected, create) => {
      const s = stream();
      if (create) await store.append(s, [event(), event()]);
      const before = await store.readStream(s);
      await expect(store.append(s, [event()], { expectedRevision: expected })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(s)).toEqual(before);
    });

    test('the conflict error names the stream and its actual revision', async () => {
      const s = stream();
      await store.append(s, [event(), event()]);
      const error = await store.append(s, [event()], { expectedRevision: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).streamName).toBe(s);
      expect((error as WrongExpectedRevisionError).actual).toBe(1);
    });

    test('expected revision "any" and "stream_exists" append when they hold', async () => {
      const s = stream();
      await store.append(s, [event()], { expectedRevision: 'any' });
      const result = await store.append(s, [event()], { expectedRevision: 'stream_exists' });
      expect(result.nextRevision).toBe(1);
    });

    test('appending the same event ids again at the same expected revision is a no-op', async () => {
      const s = stream();
      const batch = [event('A'), event('B')];
      const first = await store.append(s, batch, { expectedRevision: 'no_stream' });
      const again = await store.append(s, batch, { expectedRevision: 'no_stream' });
      expect(again.nextRevision).toBe(first.nextRevision);
      expect((await store.readStream(s)).map((e) => e.id)).toEqual(batch.map((e) => e.id));

      const next = [event('C')];
      const third = await store.append(s, next, { expectedRevision: 1 });
      const thirdAgain = await store.append(s, next, { expectedRevision: 1 });
      expect(thirdAgain.nextRevision).toBe(third.nextRevision);
      expect(await store.readStream(s)).toHaveLength(3);
    });

    test('of concurrent appends at the same expected revision exactly one wins', async () => {
      const s = stream();
      await store.append(s, [event()], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(s, [event()], { expectedRevision: 0 })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(9);
      expect(rejected.every((r) => r.reason instanceof WrongExpectedRevisionError)).toBe(true);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    test('a conflicting append does not disturb other appends committed beside it', async () => {
      const a = stream();
      const b = stream();
      await store.append(a, [event()]);
      const [bad, good] = await Promise.allSettled([
        store.append(a, [event()], { expectedRevision: 'no_stream' }),
        store.append(b, [event(), event()], { expectedRevision: 'no_stream' }),
      ]);
      expect(bad.status).toBe('rejected');
      expect(good.status).toBe('fulfilled');
      expect(await store.readStream(b)).toHaveLength(2);
    });

    test('reads the whole log in position order from a position', async () => {
      const start = await store.headPosition();
      const s1 = stream();
      const s2 = stream();
      await store.append(s1, [event('A')]);
      await store.append(s2, [event('B')]);
      await store.append(s1, [event('C')]);
      const all = await collect(store.readAll({ after: start }));
      const mine = all.filter((e) => e.streamName === s1 || e.streamName === s2);
      expect(mine.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      const positions = all.map((e) => e.position);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      expect(positions.every((p) => p > start)).toBe(true);

      const afterFirst = await collect(store.readAll({ after: mine[0].position }));
      expect(afterFirst.map((e) => e.id)).not.toContain(mine[0].id);
      expect(afterFirst.map((e) => e.id)).toContain(mine[1].id);
    });

    test('readAll pages through more events than one batch', async () => {
      const start = await store.headPosition();
      const s = stream();
      for (let i = 0; i < 5; i++) await store.append(s, Array.from({ length: 5 }, () => event()));
      const all = await collect(store.readAll({ after: start, batchSize: 7 }));
      expect(all.filter((e) => e.streamName === s).map((e) => e.revision)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    });

    test('the head position is the position of the last appended event', async () => {
      const result = await store.append(stream(), [event()]);
      expect(await store.headPosition()).toBe(result.position);
    });

    test('a subscription catches up from a checkpoint, then receives live events', async () => {
      const s = stream();
      const first = await store.append(s, [event('Old1')]);
      await store.append(s, [event('Old2')]);
      const subscription = store.subscribeToAll({ after: first.position });
      const seen: RecordedEvent[] = [];
      const done = (async () => {
        for await (const e of subscription) {
          if (e.streamName !== s) continue;
          seen.push(e);
          if (seen.length === 2) break;
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.append(s, [event('Live')]);
      await done;
      await subscription.close();
      expect(seen.map((e) => e.type)).toEqual(['Old2', 'Live']);
    }, 20_000);

    test('closing a subscription ends its iteration', async () => {
      const subscription = store.subscribeToAll({ after: await store.headPosition() });
      const iteration = (async () => {
        let count = 0;
        for await (const _ of subscription) count++;
        return count;
      })();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await subscription.close();
      await expect(iteration).resolves.toBe(0);
    });
  });
}
