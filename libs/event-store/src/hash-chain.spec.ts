import { describe, expect, test } from '@jest/globals';
import type { RecordedEvent } from './event-store.port.js';
import { canonicalJson, eventHash, verifyChains } from './hash-chain.js';

/** A stream of `count` events chained as the stream writer chains them, from `position`. */
function chain(streamName: string, count: number, position: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let previousHash: string | null = null;
  for (let revision = 0; revision < count; revision++) {
    const base = { streamName, revision, id: `${streamName}-${revision}`, type: 'Something', data: { n: revision }, metadata: { previousHash } as Record<string, unknown> };
    const hash = eventHash(base, previousHash);
    events.push({ ...base, metadata: { ...base.metadata, hash }, position: position + revision, recordedAt: '2026-11-30T00:00:00.000Z' });
    previousHash = hash;
  }
  return events;
}

async function* from(events: RecordedEvent[]): AsyncIterable<RecordedEvent> {
  yield* events;
}

/** Two interleaved streams, in log order. */
function log(): RecordedEvent[] {
  const a = chain('a', 3, 1);
  const b = chain('b', 3, 1);
  return [a[0], { ...b[0], position: 2 }, { ...a[1], position: 3 }, { ...b[1], position: 4 }, { ...a[2], position: 5 }, { ...b[2], position: 6 }];
}

describe('verifyChains', () => {
  test('intact chains over interleaved streams', async () => {
    expect(await verifyChains(from(log()))).toEqual({ checked: 6, streams: 2, firstBreak: null });
  });

  test('a changed payload breaks at its own position', async () => {
    const events = log();
    events[2] = { ...events[2], data: { n: 99 } };
    expect((await verifyChains(from(events))).firstBreak).toEqual({ position: 3, streamName: 'a', revision: 1, reason: 'content-hash-mismatch' });
  });

  test('changed metadata (the actor) breaks too; the chain fields themselves are not hashed', async () => {
    const events = log();
    events[3] = { ...events[3], metadata: { ...events[3].metadata, actorId: 'someone-else' } };
    expect((await verifyChains(from(events))).firstBreak).toMatchObject({ position: 4, reason: 'content-hash-mismatch' });
  });

  test('a removed event shows as a revision gap at the next one of its stream', async () => {
    const events = log().filter((e) => !(e.streamName === 'b' && e.revision === 1));
    expect((await verifyChains(from(events))).firstBreak).toEqual({ position: 6, streamName: 'b', revision: 2, reason: 'revision-gap' });
  });

  test('an event re-hashed after an edit still breaks the link from the next one', async () => {
    const events = log();
    const edited = { ...events[0], data: { n: 42 } };
    const hash = eventHash(edited, null);
    events[0] = { ...edited, metadata: { ...edited.metadata, hash } };
    expect((await verifyChains(from(events))).firstBreak).toEqual({ position: 3, streamName: 'a', revision: 1, reason: 'previous-hash-mismatch' });
  });

  test('an event without a hash is reported; the first break by position wins', async () => {
    const events = log();
    events[5] = { ...events[5], metadata: { ...events[5].metadata, hash: undefined } };
    events[1] = { ...events[1], data: { n: 7 } };
    expect((await verifyChains(from(events))).firstBreak).toMatchObject({ position: 2, reason: 'content-hash-mismatch' });
    expect((await verifyChains(from(log().map((e, i) => (i === 5 ? { ...e, metadata: { ...e.metadata, hash: undefined } } : e))))).firstBreak).toMatchObject({ position: 6, reason: 'missing-hash' });
  });

  test('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});
