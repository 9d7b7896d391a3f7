import { createHash } from 'node:crypto';
import type { RecordedEvent } from './event-store.port.js';

/**
 * Tamper evidence: every event's metadata holds the hash of its canonical content and
 * the hash of the event before it in the same stream. Changing, inserting or removing
 * an event inside a stream breaks the chain from that event on, and verification
 * reports the first position where it breaks.
 */
export const CHAIN_FIELDS = ['hash', 'previousHash'] as const;

/** JSON with object keys sorted at every level: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export interface ChainedContent {
  streamName: string;
  revision: number;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** The hash of an event's content and of the hash before it (null for a stream's first event). */
export function eventHash(event: ChainedContent, previousHash: string | null): string {
  const metadata = Object.fromEntries(Object.entries(event.metadata).filter(([k]) => !(CHAIN_FIELDS as readonly string[]).includes(k)));
  const content = canonicalJson({ streamName: event.streamName, revision: event.revision, id: event.id, type: event.type, data: event.data, metadata, previousHash });
  return createHash('sha256').update(content).digest('hex');
}

export type ChainBreak = { position: number; streamName: string; revision: number; reason: 'missing-hash' | 'previous-hash-mismatch' | 'content-hash-mismatch' | 'revision-gap' | 'log-position-gap' };

/**
 * Watches the positions of a log read in order and notes the first one missing. Only
 * for a log numbered densely (SQLite: a rolled-back append takes no position), where a
 * missing position is a deleted event: the one break a stream's chain cannot show when
 * it was the stream's last. EventStoreDB positions are byte offsets, not dense.
 */
export function logPositionGaps(): { see(event: Pick<RecordedEvent, 'position' | 'streamName' | 'revision'>): void; readonly first: ChainBreak | null } {
  let previous = 0;
  let first: ChainBreak | null = null;
  return {
    see(event) {
      if (!first && event.position !== previous + 1) first = { position: event.position, streamName: event.streamName, revision: event.revision, reason: 'log-position-gap' };
      previous = event.position;
    },
    get first() {
      return first;
    },
  };
}

/** The break at the lowest log position; at the same position, the one listed first. */
export function earliestBreak(...breaks: (ChainBreak | null)[]): ChainBreak | null {
  return breaks.filter((b): b is ChainBreak => b !== null).sort((a, b) => a.position - b.position)[0] ?? null;
}

/**
 * Follows each stream's chain over the given events (in log order, any mix of streams)
 * and returns the first break by log position, or null when every chain holds.
 */
export async function verifyChains(events: AsyncIterable<RecordedEvent>): Promise<{ checked: number; streams: number; firstBreak: ChainBreak | null }> {
  const heads = new Map<string, { revision: number; hash: string | null }>();
  let checked = 0;
  let firstBreak: ChainBreak | null = null;
  for await (const event of events) {
    checked++;
    const head = heads.get(event.streamName) ?? { revision: -1, hash: null };
    const at = { position: event.position, streamName: event.streamName, revision: event.revision };
    let reason: ChainBreak['reason'] | null = null;
    const hash = event.metadata.hash as string | undefined;
    if (!hash) reason = 'missing-hash';
    else if (event.revision !== head.revision + 1) reason = 'revision-gap';
    else if ((event.metadata.previousHash ?? null) !== head.hash) reason = 'previous-hash-mismatch';
    else if (eventHash(event, head.hash) !== hash) reason = 'content-hash-mismatch';
    if (reason && (!firstBreak || event.position < firstBreak.position)) firstBreak = { ...at, reason };
    heads.set(event.streamName, { revision: event.revision, hash: hash ?? null });
  }
  return { checked, streams: heads.size, firstBreak };
}
