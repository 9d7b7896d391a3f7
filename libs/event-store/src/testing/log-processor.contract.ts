import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { EventStore, EventToAppend } from '../event-store.port.js';
import type { LogProcessor } from '../processing/log-processor.js';
import { SqliteEventStore } from '../sqlite/sqlite-event-store.js';
import { FaultyEventStore } from './faulty-event-store.js';

/** One handler of the log, set up on its real store, for the contract below. */
export interface ProcessorFixture {
  /** A processor running the handler on these events; called again, it is a restart on the same stores. */
  processor(events: EventStore): LogProcessor;
  /** The i-th event the handler acts on, and its stream. */
  event(i: number): { streamName: string; event: EventToAppend };
  /** How many of its effects the handler's store holds (read from the store itself). */
  effects(): Promise<number>;
  /** The handler's store refuses its next `count` writes. */
  failWrites(count: number): void;
  /** Writes refused so far (to know the faults were really met). */
  refusedWrites(): number;
  close(): Promise<void>;
}

/**
 * What every follower of the log must do, whatever it does with the events (the read
 * models, the audit log, the setup mail): one mechanism, one suite.
 */
export function logProcessorContract(name: string, setup: () => Promise<ProcessorFixture>) {
  describe(`LogProcessor contract: ${name}`, () => {
    let fixture: ProcessorFixture;
    let store: SqliteEventStore;
    let events: FaultyEventStore;
    let running: LogProcessor[];
    let appended: number;

    beforeEach(async () => {
      fixture = await setup();
      store = new SqliteEventStore({ filename: ':memory:' });
      events = new FaultyEventStore(store);
      running = [];
      appended = 0;
    });
    afterEach(async () => {
      for (const processor of running) await processor.stop();
      await store.close();
      await fixture.close();
    });

    const start = async () => {
      const processor = fixture.processor(events);
      running.push(processor);
      await processor.start();
      return processor;
    };
    const append = async (count: number) => {
      let position = 0;
      for (let i = 0; i < count; i++) {
        const { streamName, event } = fixture.event(appended++);
        position = (await store.append(streamName, [event])).position;
      }
      return position;
    };

    test('catches up in batches, then follows the live log', async () => {
      const head = await append(300);
      const processor = await start();
      expect(await processor.waitFor(head, 20_000)).toBe(true);
      expect(await fixture.effects()).toBe(300);
      // Batches form from what has queued up: far fewer than one per event.
      expect(processor.status().batches).toBeLessThan(100);
      const live = await append(2);
      expect(await processor.waitFor(live, 10_000)).toBe(true);
      expect(await fixture.effects()).toBe(302);
      expect(processor.status()).toMatchObject({ checkpoint: live, lastError: null, subscription: 'live', running: true });
    });

    test('stores its checkpoint with its effects: a restart goes on from there and repeats nothing', async () => {
      const first = await start();
      const before = await append(20);
      expect(await first.waitFor(before, 10_000)).toBe(true);
      await first.stop();
      const after = await append(5);
      const second = await start();
      expect(await second.checkpoint()).toBeGreaterThanOrEqual(before);
      expect(await second.waitFor(after, 10_000)).toBe(true);
      expect(await fixture.effects()).toBe(25);
    });

    test('a store that fails is tried again after a backoff; nothing is skipped', async () => {
      const processor = await start();
      fixture.failWrites(3);
      const head = await append(4);
      expect(await processor.waitFor(head, 20_000)).toBe(true);
      expect(fixture.refusedWrites()).toBe(3);
      expect(await fixture.effects()).toBe(4);
      expect(processor.status().lastError).toBeNull();
    });

    test('a dropped subscription is opened again from the checkpoint', async () => {
      const processor = await start();
      const first = await append(3);
      expect(await processor.waitFor(first, 10_000)).toBe(true);
      events.dropSubscriptions(2);
      const head = await append(6);
      expect(await processor.waitFor(head, 20_000)).toBe(true);
      expect(events.dropped).toBe(2);
      expect(processor.status()).toMatchObject({ resubscriptions: 2, subscription: 'live' });
      expect(await fixture.effects()).toBe(9);
    });

    test('waitFor answers false for a position not reached; health gives the position and the lag', async () => {
      const processor = await start();
      const head = await append(2);
      expect(await processor.waitFor(head, 10_000)).toBe(true);
      expect(await processor.waitFor(head + 50, 30)).toBe(false);
      expect(await processor.health()).toMatchObject({ checkpoint: head, headPosition: head, lag: 0 });
    });
  });
}
