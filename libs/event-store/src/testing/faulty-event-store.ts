import { sleep } from '../processing/backoff.js';
import { EventStoreUnavailableError } from '../storage-errors.js';
import type { AppendResult, EventStore, EventToAppend, ExpectedRevision, RecordedEvent, Subscription } from '../event-store.port.js';

/**
 * What the application receives for a fault: an adapter's answer once its own retries
 * are spent (the EventStoreDB adapter's EventStoreUnavailableError).
 */
const unavailable = (what: string) => new EventStoreUnavailableError('append', 1, new Error(`injected: ${what}`));

/**
 * An event store decorator that injects the faults a real server has, around any
 * EventStore (the contract suites run through it):
 * - latency on every call (`delayMs`), as a store across a network has;
 * - a subscription that drops (EventStoreDB restarting, a network cut);
 * - an append refused before it reaches the store (unavailable, not leader);
 * - an append that reaches the store but whose answer is lost (a timeout after the
 *   commit): the caller cannot tell it from the one before, and a retry with the same
 *   event ids must not append twice.
 * Everything else goes to the store underneath.
 */
export class FaultyEventStore implements EventStore {
  readonly kind: EventStore['kind'];
  private dropsPending = 0;
  private refusalsPending = 0;
  private lostAnswersPending = 0;
  /** Which streams' appends the append faults hit (all by default). */
  private appendsHit: (streamName: string) => boolean = () => true;
  /** Subscriptions dropped so far. */
  dropped = 0;
  /** Appends refused so far, and appends stored whose answer was lost. */
  refused = 0;
  lostAnswers = 0;

  constructor(
    private readonly inner: EventStore,
    private readonly options: { delayMs?: number } = {},
  ) {
    this.kind = inner.kind;
    if (inner.lastWriteError) this.lastWriteError = () => inner.lastWriteError!();
    if (inner.recheckWrites) this.recheckWrites = () => inner.recheckWrites!();
  }

  lastWriteError?: EventStore['lastWriteError'];
  recheckWrites?: EventStore['recheckWrites'];

  /** The next event each live subscription would deliver throws instead; the subscriber must subscribe again. */
  dropSubscriptions(count = 1): void {
    this.dropsPending += count;
  }

  /** The next `count` appends (to the streams `hit` picks) fail with a transient error and store nothing. */
  refuseAppends(count = 1, hit: (streamName: string) => boolean = () => true): void {
    this.refusalsPending += count;
    this.appendsHit = hit;
  }

  /** The next `count` appends (to the streams `hit` picks) are stored, then fail with a transient error as if the answer were lost. */
  loseAppendAnswers(count = 1, hit: (streamName: string) => boolean = () => true): void {
    this.lostAnswersPending += count;
    this.appendsHit = hit;
  }

  async append(streamName: string, events: EventToAppend[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    await sleep(this.options.delayMs ?? 0);
    const hit = this.appendsHit(streamName);
    if (hit && this.refusalsPending > 0) {
      this.refusalsPending--;
      this.refused++;
      throw unavailable('the append was refused (server unavailable)');
    }
    const result = await this.inner.append(streamName, events, options);
    if (hit && this.lostAnswersPending > 0) {
      this.lostAnswersPending--;
      this.lostAnswers++;
      throw unavailable('the append was stored, but its answer was lost');
    }
    return result;
  }

  async readStream(streamName: string, options?: { fromRevision?: number; sealed?: boolean }): Promise<RecordedEvent[]> {
    await sleep(this.options.delayMs ?? 0);
    return this.inner.readStream(streamName, options);
  }

  readAll(options?: { after?: number; batchSize?: number; sealed?: boolean }): AsyncIterable<RecordedEvent> {
    const { inner, options: faults } = this;
    return {
      async *[Symbol.asyncIterator]() {
        await sleep(faults.delayMs ?? 0);
        yield* inner.readAll(options);
      },
    };
  }

  subscribeToAll(options?: { after?: number; sealed?: boolean }): Subscription {
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

  async headPosition(): Promise<number> {
    await sleep(this.options.delayMs ?? 0);
    return this.inner.headPosition();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
