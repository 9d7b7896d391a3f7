import esdb from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AppendExpectedRevision, Position, ResolvedEvent } from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
  type Subscription,
} from '../event-store.port.js';
import { backoffDelay, sleep, type BackoffPolicy } from '../processing/backoff.js';
import { EventStoreUnavailableError } from '../storage-errors.js';

// The client is CommonJS; its default export is the module object.
const { EventStoreDBClient, jsonEvent, FORWARDS, BACKWARDS, START, END, excludeSystemEvents, WrongExpectedVersionError, StreamNotFoundError } =
  esdb;

type EsdbRecorded = NonNullable<AllStreamResolvedEvent['event']> | NonNullable<ResolvedEvent['event']>;

/**
 * Positions: EventStoreDB orders $all by (commit, prepare) positions, which are byte
 * offsets in its transaction file. The port exposes the commit position as a number:
 * exact up to 2^53 bytes (8 PiB) of log. A checkpoint resumes at (commit, commit),
 * which is how single-stream appends are laid out.
 */
const toPosition = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

function toExpected(expected: ExpectedRevision): AppendExpectedRevision {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

function toRecorded(event: EsdbRecorded, position?: bigint): RecordedEvent {
  const commit = position ?? ('position' in event && event.position ? event.position.commit : 0n);
  return {
    id: event.id,
    type: event.type,
    data: (event.data ?? {}) as Record<string, unknown>,
    metadata: (event.metadata ?? {}) as Record<string, unknown>,
    streamName: event.streamId,
    revision: Number(event.revision),
    position: Number(commit),
    recordedAt: event.created instanceof Date ? event.created.toISOString() : new Date(Number(event.created) / 10_000).toISOString(),
  };
}

const isSystem = (event: EsdbRecorded): boolean => event.streamId.startsWith('$') || event.type.startsWith('$');

/** The client's errors that say "not now" rather than "no": worth the same request again. */
const TRANSIENT = new Set(['unavailable', 'deadline-exceeded', 'not-leader', 'timeout']);
export const isTransientEsdbError = (error: unknown): boolean => TRANSIENT.has(String((error as { type?: unknown } | null)?.type));

export interface EsdbRetryOptions {
  /** How long an operation keeps trying through transient errors (default 5 s). */
  budgetMs: number;
  backoff: BackoffPolicy;
}

const DEFAULT_RETRY: EsdbRetryOptions = { budgetMs: 5_000, backoff: { initialMs: 50, maxMs: 1_000 } };

type Client = Pick<InstanceType<typeof EventStoreDBClient>, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: Client;
  private readonly retry: EsdbRetryOptions;

  /** A connection string, or a client (tests put a fault-injecting one here). */
  constructor(connection: string | Client, retry: Partial<EsdbRetryOptions> = {}) {
    this.client = typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
    this.retry = { ...DEFAULT_RETRY, ...retry };
  }

  /**
   * Runs `operation` again through transient errors, with jittered backoff, within the
   * retry budget; past it, EventStoreUnavailableError. An append is repeated with the
   * same event ids and expected revision: if a lost answer hid a success, the server
   * recognises the events and answers as for the first write.
   */
  private async retrying<T>(name: string, operation: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (!isTransientEsdbError(error)) throw error;
        const wait = backoffDelay(attempt, this.retry.backoff);
        if (Date.now() - started + wait > this.retry.budgetMs) throw new EventStoreUnavailableError(name, attempt, error);
        await sleep(wait);
      }
    }
  }

  async append(streamName: string, events: EventToAppend[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    try {
      // EventStoreDB itself makes a repeated append of the same event ids at the same
      // expected revision idempotent; the port promises exactly that.
      const toAppend = events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as never, metadata: e.metadata }));
      const result = await this.retrying('append', () => this.client.appendToStream(streamName, toAppend, { expectedRevision: toExpected(expected) }));
      return { nextRevision: Number(result.nextExpectedRevision), position: Number(result.position?.commit ?? 0n) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedRevisionError(streamName, expected, typeof actual === 'bigint' ? Number(actual) : 'no_stream');
      }
      throw error;
    }
  }

  async readStream(streamName: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    // A read is repeated whole through transient errors (it changes nothing).
    return this.retrying('read', async () => {
      const out: RecordedEvent[] = [];
      try {
        for await (const resolved of this.client.readStream(streamName, {
          fromRevision: options.fromRevision ? BigInt(options.fromRevision) : START,
          direction: FORWARDS,
        })) {
          if (resolved.event) out.push(toRecorded(resolved.event, resolved.commitPosition));
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return out;
    });
  }

  async *readAll(options: { after?: number; batchSize?: number } = {}): AsyncIterable<RecordedEvent> {
    const after = options.after ?? 0;
    for await (const resolved of this.client.readAll({ fromPosition: after > 0 ? toPosition(after) : START, direction: FORWARDS })) {
      const event = resolved.event;
      if (!event || isSystem(event)) continue;
      const recorded = toRecorded(event);
      // Reading from a position includes the event at it; "after" excludes it.
      if (recorded.position <= after) continue;
      yield recorded;
    }
  }

  subscribeToAll(options: { after?: number } = {}): Subscription {
    const after = options.after ?? 0;
    const subscription = this.client.subscribeToAll({
      fromPosition: after > 0 ? toPosition(after) : START,
      filter: excludeSystemEvents(),
    });
    return {
      close: async () => {
        await subscription.unsubscribe();
      },
      async *[Symbol.asyncIterator]() {
        for await (const resolved of subscription) {
          const event = resolved.event;
          if (!event || isSystem(event)) continue;
          const recorded = toRecorded(event);
          if (recorded.position <= after) continue;
          yield recorded;
        }
      },
    };
  }

  async headPosition(): Promise<number> {
    for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 200 })) {
      if (resolved.event && !isSystem(resolved.event)) return Number(resolved.event.position?.commit ?? 0n);
    }
    return 0;
  }

  async ping(): Promise<void> {
    for await (const _ of this.client.readAll({ fromPosition: START, maxCount: 1 })) break;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
