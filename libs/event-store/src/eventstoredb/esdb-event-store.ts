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

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: InstanceType<typeof EventStoreDBClient>;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async append(streamName: string, events: EventToAppend[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    try {
      // EventStoreDB itself makes a repeated append of the same event ids at the same
      // expected revision idempotent; the port promises exactly that.
      const result = await this.client.appendToStream(
        streamName,
        events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as never, metadata: e.metadata })),
        { expectedRevision: toExpected(expected) },
      );
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
