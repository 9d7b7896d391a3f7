import type { EventStore } from '../event-store.port.js';

/** Counting stops here: a health check never reads more of the log than this. */
export const LAG_COUNT_CAP = 10_000;

export interface Lag {
  /** Events in the log after the checkpoint, up to the head. */
  events: number;
  /** True when there are more than `events` (the count stopped at its cap). */
  atLeast: boolean;
}

/**
 * How many events a follower at `after` has still to handle to reach `head`. SQLite
 * numbers events one by one, so it is the difference; EventStoreDB's positions are
 * byte offsets in its transaction log, so they are counted (a bounded read of the tail).
 */
export async function lagInEvents(events: EventStore, after: number, head: number, cap = LAG_COUNT_CAP): Promise<Lag> {
  if (head <= after) return { events: 0, atLeast: false };
  if (events.kind === 'sqlite') return { events: head - after, atLeast: false };
  let counted = 0;
  for await (const event of events.readAll({ after, batchSize: Math.min(cap, 1000) })) {
    if (event.position > head) break;
    if (++counted >= cap) return { events: counted, atLeast: true };
  }
  return { events: counted, atLeast: false };
}
