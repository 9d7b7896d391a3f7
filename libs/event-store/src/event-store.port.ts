/**
 * The event store port. Two adapters implement it (SQLite for one machine,
 * EventStoreDB for many) and one contract suite (testing/event-store.contract.ts)
 * holds both to the same behaviour.
 *
 * Positions are global and increase with every appended event; a checkpoint is the
 * position of the last event a reader has handled, and reading "after" it resumes.
 * Revisions count events within one stream from 0, as EventStoreDB does.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventToAppend {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface RecordedEvent<Data = Record<string, unknown>, Metadata = Record<string, unknown>> {
  id: string;
  type: string;
  data: Data;
  metadata: Metadata;
  streamName: string;
  revision: number;
  position: number;
  recordedAt: string;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextRevision: number;
  /** Global position of the last appended event. */
  position: number;
}

/** The one error both adapters raise when the expected revision does not hold. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export interface Subscription extends AsyncIterable<RecordedEvent> {
  /** Ends the subscription; a pending iteration step finishes with `done`. */
  close(): Promise<void>;
}

export interface ReadOptions {
  sealed?: boolean;
}

export interface EventStore {
  readonly kind: 'sqlite' | 'eventstoredb';
  append(streamName: string, events: EventToAppend[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  /**
   * Events of one stream in revision order; an empty list when the stream does not exist.
   * `sealed`: as stored, personal values still sealed (what the hash chains cover); a
   * decorator that opens them (the personal-data vault) leaves them so. Adapters ignore it.
   */
  readStream(streamName: string, options?: ReadOptions & { fromRevision?: number }): Promise<RecordedEvent[]>;
  /** The whole log in position order, strictly after `after` (0 = from the start). */
  readAll(options?: ReadOptions & { after?: number; batchSize?: number }): AsyncIterable<RecordedEvent>;
  /** Catches up from `after`, then stays live until closed. */
  subscribeToAll(options?: ReadOptions & { after?: number }): Subscription;
  /** Position of the last event in the log, 0 when empty. */
  headPosition(): Promise<number>;
  /** Cheap liveness probe for health checks. */
  ping(): Promise<void>;
  /**
   * The error of the last write when it failed and none has succeeded since (a full disk
   * answers reads but refuses writes, so a ping alone would report it healthy).
   */
  lastWriteError?(): { code: string | null; message: string; at: string } | null;
  /** Tries the storage again (without touching the log) and forgets a failure that is over. */
  recheckWrites?(): void;
  close(): Promise<void>;
}

/** Checks an expected revision against the stream's current one (-1 = no stream). */
export function expectedRevisionHolds(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1;
    case 'stream_exists':
      return current >= 0;
    default:
      return expected === current;
  }
}
