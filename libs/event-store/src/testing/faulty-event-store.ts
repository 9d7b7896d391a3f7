import type { AppendResult, EventStore, EventToAppend, ExpectedRevision, RecordedEvent, Subscription } from '../event-store.port.js';

/**
 * An event store decorator that injects a fault a real server has: a subscription that
 * drops (EventStoreDB restarting, a network cut). Everything else goes to the real store
 * underneath.
 */
export class FaultyEventStore implements EventStore {
  readonly kind: EventStore['kind'];
  private dropsPending = 0;
  /** Subscriptions dropped so far. */
  dropped = 0;

  constructor(private readonly inner: EventStore) {
    this.kind = inner.kind;
  }

  /** The next event each live subscription would deliver throws instead; the subscriber must subscribe again. */
  dropSubscriptions(count = 1): void {
    this.dropsPending += count;
  }

  append(streamName: string, events: EventToAppend[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    return this.inner.append(streamName, events, options);
  }

  readStream(streamName: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamName, options);
  }

  readAll(options?: { after?: number; batchSize?: number }): AsyncIterable<RecordedEvent> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options?: { after?: number }): Subscription {
    const inner = this.inner.subscribeToAll(options);
    const faults = this;
    return {
      close: () => inner.close(),
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) {
          if (faults.dropsPending > 0) {
            faults.dropsPending--;
            faults.dropped++;
            await inner.close();
            throw new Error('injected: the subscription dropped');
          }
          yield event;
        }
      },
    };
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
