import { afterEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../sqlite/sqlite-event-store.js';
import { LogProcessor, type LogHandler, type LogProcessorStatus } from './log-processor.js';
import { isStalled, watchForStalls } from './stall-watchdog.js';

const at = (iso: string) => Date.parse(iso);
const status = (over: Partial<LogProcessorStatus>): LogProcessorStatus => ({
  name: 'projector',
  running: true,
  checkpoint: 10,
  lastError: null,
  subscription: 'live',
  batches: 3,
  resubscriptions: 0,
  lastProgressAt: '2026-11-30T10:00:00.000Z',
  ...over,
});

describe('isStalled', () => {
  const limit = 60_000;
  const later = at('2026-11-30T10:05:00.000Z');
  test('a live processor with nothing to do is never stalled, however quiet the log', () => {
    expect(isStalled(status({}), later, limit)).toBe(false);
  });
  test('reconnecting, or failing its batch, past the limit without progress: stalled', () => {
    expect(isStalled(status({ subscription: 'reconnecting' }), later, limit)).toBe(true);
    expect(isStalled(status({ lastError: 'SQLITE_FULL' }), later, limit)).toBe(true);
  });
  test('in trouble, but within the limit: not yet', () => {
    expect(isStalled(status({ subscription: 'reconnecting' }), at('2026-11-30T10:00:59.000Z'), limit)).toBe(false);
  });
  test('a stopped processor is not stalled', () => {
    expect(isStalled(status({ running: false, subscription: 'stopped', lastError: 'x' }), later, limit)).toBe(false);
  });
});

describe('watchForStalls on real processors', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function processorWith(handler: LogHandler) {
    const events = new SqliteEventStore({ filename: ':memory:' });
    const id = randomUUID();
    await events.append(`organization-${id}`, [{ id: randomUUID(), type: 'OrganizationCreated', data: { organizationId: id }, metadata: { schemaVersion: 1 } }]);
    const processor = new LogProcessor(events, handler, { backoff: { initialMs: 5, maxMs: 10 } });
    await processor.start();
    cleanups.push(async () => {
      await processor.stop();
      await events.close();
    });
    return processor;
  }

  test('a processor whose batches keep failing is reported once, past the limit', async () => {
    const failing = await processorWith({ name: 'failing', checkpoint: async () => 0, handle: async () => Promise.reject(new Error('store unwritable')) });
    const stalls: LogProcessorStatus[] = [];
    cleanups.push(watchForStalls(() => [failing.status()], 150, (s) => stalls.push(s), 20));
    await new Promise((r) => setTimeout(r, 600));
    expect(stalls).toEqual([expect.objectContaining({ name: 'failing', lastError: 'store unwritable' })]);
  });

  test('a processor that handled its events and waits for more is not', async () => {
    const handled: number[] = [];
    const healthy = await processorWith({ name: 'healthy', checkpoint: async () => 0, handle: async (batch) => void handled.push(...batch.map((e) => e.position)) });
    const stalls: LogProcessorStatus[] = [];
    cleanups.push(watchForStalls(() => [healthy.status()], 150, (s) => stalls.push(s), 20));
    await new Promise((r) => setTimeout(r, 600));
    expect(handled).toEqual([1]);
    expect(stalls).toEqual([]);
  });
});
