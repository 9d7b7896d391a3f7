import type { AppendResult, EventStore, EventToAppend, ExpectedRevision, ReadOptions, RecordedEvent, Subscription } from '#event-store';
import type { PersonalDataVault } from './vault.js';

/** How many events of a catch-up read share one key lookup. */
const OPEN_BATCH = 256;

/**
 * The event store as every reader of this service sees it: personal values opened (or
 * erased) by the vault. Appends pass through untouched: the write side seals before it
 * chains (stream-writer.ts), since the chain must cover what is stored. A read with
 * `sealed: true` (hash-chain verification) gets the events as stored.
 */
export class OpeningEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly vault: PersonalDataVault,
  ) {}

  get kind(): EventStore['kind'] {
    return this.inner.kind;
  }

  append(streamName: string, events: EventToAppend[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    return this.inner.append(streamName, events, options);
  }

  async readStream(streamName: string, options?: ReadOptions & { fromRevision?: number }): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(streamName, options);
    return options?.sealed ? events : this.opened(events);
  }

  readAll(options?: ReadOptions & { after?: number; batchSize?: number }): AsyncIterable<RecordedEvent> {
    const inner = this.inner.readAll(options);
    if (options?.sealed) return inner;
    const open = (events: RecordedEvent[]) => this.opened(events);
    return {
      async *[Symbol.asyncIterator]() {
        let batch: RecordedEvent[] = [];
        for await (const event of inner) {
          batch.push(event);
          if (batch.length >= OPEN_BATCH) {
            yield* await open(batch);
            batch = [];
          }
        }
        if (batch.length) yield* await open(batch);
      },
    };
  }

  /**
   * Live events are opened one by one (a live reader must not wait for a batch to fill).
   * The log processors read sealed and open whole batches instead (LogProcessorOptions.open).
   */
  subscribeToAll(options?: ReadOptions & { after?: number }): Subscription {
    const inner = this.inner.subscribeToAll(options);
    if (options?.sealed) return inner;
    const open = (events: RecordedEvent[]) => this.opened(events);
    return {
      close: () => inner.close(),
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) yield (await open([event]))[0];
      },
    };
  }

  private opened(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    return this.vault.open(events);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  get lastWriteError(): EventStore['lastWriteError'] {
    return this.inner.lastWriteError?.bind(this.inner);
  }

  get recheckWrites(): EventStore['recheckWrites'] {
    return this.inner.recheckWrites?.bind(this.inner);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
