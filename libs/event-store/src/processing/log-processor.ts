import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventStore, RecordedEvent, Subscription } from '../event-store.port.js';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffPolicy } from './backoff.js';
import { lagInEvents } from './lag.js';
import { PositionWaiters } from './position-waiters.js';

/**
 * What a log processor runs: the read models' projections, the audit log, the setup
 * mail. It keeps its own checkpoint where its effects are (with the writes it covers,
 * or with the side effect's record), so a crash loses nothing and repeats little.
 */
export interface LogHandler {
  readonly name: string;
  /** Runs once before the first batch (indexes, tables). */
  prepare?(): Promise<void>;
  /** The last position whose effects are stored: the processor continues after it. */
  checkpoint(): Promise<number>;
  /**
   * Handles a batch in log order and stores the batch's last position as its checkpoint
   * with its effects. An event may arrive twice (after a crash, a resubscription): its
   * handling must be idempotent. Throwing retries the whole batch; nothing is skipped.
   */
  handle(batch: RecordedEvent[]): Promise<void>;
}

/**
 * Something that can tell when a follower of the log has caught up to a position. The
 * projector answers for the projections named (by id: `members_v2`), all without ids;
 * a single processor ignores them.
 */
export interface ProjectionProgress {
  checkpoint(projectionIds?: readonly string[]): Promise<number>;
  /** Resolves true once `position` is handled, false after `timeoutMs` or when the follower stops. */
  waitFor(position: number, timeoutMs: number, projectionIds?: readonly string[]): Promise<boolean>;
}

export type SubscriptionState = 'starting' | 'live' | 'reconnecting' | 'stopped';

export interface LogProcessorStatus {
  name: string;
  running: boolean;
  checkpoint: number;
  lastError: string | null;
  subscription: SubscriptionState;
  /** Batches handled since start (how well events are grouped). */
  batches: number;
  /** Times the subscription dropped and was opened again. */
  resubscriptions: number;
  /** When the checkpoint last moved (ISO time), or when the processor started. */
  lastProgressAt: string;
}

export interface LogProcessorOptions {
  /** Applied to each event before the handler sees it (upcasting old schema versions). */
  upcast?: (event: RecordedEvent) => RecordedEvent;
  /**
   * Reads the log as stored, personal values sealed (issue 20). With `open`, each batch is
   * opened (one key lookup for the batch) before the handler sees it; without, the handler
   * keeps them sealed (the audit log, which opens them when it answers).
   */
  sealed?: boolean;
  open?: (batch: RecordedEvent[]) => Promise<RecordedEvent[]>;
  maxBatch?: number;
  backoff?: BackoffPolicy;
  logger?: { info(message: string, context?: Record<string, unknown>): void; error(message: string, context?: Record<string, unknown>): void };
}

const MAX_QUEUED = 20_000;
const silent = { info: () => {}, error: () => {} };

/**
 * Follows the log for one handler: reads from the handler's checkpoint, catches up, then
 * follows live. Events are read into a queue by a pump and handed over in batches of
 * whatever has queued up: large during a catch-up, small live. A failed batch is tried
 * again after a backoff, never skipped (a skipped event silently corrupts what the
 * handler keeps). A subscription that drops (a server restart, a network cut) is opened
 * again from the checkpoint, with the same backoff.
 */
export class LogProcessor implements ProjectionProgress {
  private current = 0;
  private subscription: Subscription | null = null;
  private readonly stopping = new AbortController();
  private readonly waiters = new PositionWaiters();
  private loop: Promise<void> | null = null;
  private state: SubscriptionState = 'starting';
  private lastError: string | null = null;
  private batches = 0;
  private resubscriptions = 0;
  private lastProgressAt = new Date().toISOString();

  constructor(
    private readonly events: EventStore,
    private readonly handler: LogHandler,
    private readonly options: LogProcessorOptions = {},
  ) {}

  private get logger() {
    return this.options.logger ?? silent;
  }

  /** Prepares the handler and reads its checkpoint, then runs until stopped. Resolves once started. */
  async start(): Promise<void> {
    await this.handler.prepare?.();
    this.current = await this.handler.checkpoint();
    this.lastProgressAt = new Date().toISOString();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.close();
    await this.loop;
    this.state = 'stopped';
    this.waiters.cancelAll();
  }

  /** Waits until the head of the log (as it is now) is handled. */
  async catchUp(timeoutMs = 600_000): Promise<void> {
    const head = await this.events.headPosition();
    if (!(await this.waitFor(head, timeoutMs))) throw new Error(`${this.handler.name} did not reach position ${head} in ${timeoutMs} ms`);
  }

  async checkpoint(): Promise<number> {
    return this.current;
  }

  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(this.current, position, timeoutMs);
  }

  status(): LogProcessorStatus {
    return {
      name: this.handler.name,
      running: this.loop !== null && this.state !== 'stopped',
      checkpoint: this.current,
      lastError: this.lastError,
      subscription: this.state,
      batches: this.batches,
      resubscriptions: this.resubscriptions,
      lastProgressAt: this.lastProgressAt,
    };
  }

  /** The status with how far behind the head of the log it is, in events (`lagAtLeast`: more than that). */
  async health(): Promise<LogProcessorStatus & { headPosition: number | null; lag: number | null; lagAtLeast?: true }> {
    const headPosition = await this.events.headPosition().catch(() => null);
    if (headPosition === null) return { ...this.status(), headPosition, lag: null };
    const lag = await lagInEvents(this.events, this.current, headPosition).catch(() => null);
    return { ...this.status(), headPosition, lag: lag?.events ?? null, ...(lag?.atLeast ? { lagAtLeast: true as const } : {}) };
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    for (let drops = 0; !this.stopped; ) {
      try {
        await this.follow(this.current);
        if (this.stopped) break;
        throw new Error('the subscription ended');
      } catch (error) {
        if (this.stopped) break;
        drops++;
        this.resubscriptions++;
        this.state = 'reconnecting';
        this.lastError = message(error);
        this.logger.error(`${this.handler.name}: subscription dropped; subscribing again`, { error: this.lastError, after: this.current, attempt: drops });
        await sleep(backoffDelay(drops, this.options.backoff ?? DEFAULT_BACKOFF), this.stopping.signal);
      }
    }
  }

  /** One subscription's life: pump events into a queue, handle them in batches. Throws when the subscription fails. */
  private async follow(after: number): Promise<void> {
    const subscription = (this.subscription = this.events.subscribeToAll({ after, ...(this.options.sealed ? { sealed: true } : {}) }));
    const maxBatch = this.options.maxBatch ?? 2000;
    const queue: RecordedEvent[] = [];
    // Held in an object: TypeScript does not see closures assign plain locals.
    const wake: { handler: (() => void) | null; pump: (() => void) | null } = { handler: null, pump: null };
    let pumpDone = false;
    let failure: unknown = null;
    this.state = 'live';

    const pump = (async () => {
      try {
        for await (const event of subscription) {
          queue.push(event);
          wake.handler?.();
          if (queue.length >= MAX_QUEUED) await new Promise<void>((resolve) => (wake.pump = resolve));
          if (this.stopped) break;
        }
      } catch (error) {
        failure = error;
      } finally {
        pumpDone = true;
        wake.handler?.();
      }
    })();

    while (!this.stopped) {
      if (queue.length === 0) {
        if (pumpDone) break;
        await new Promise<void>((resolve) => (wake.handler = resolve));
        wake.handler = null;
        // Let the pump drain what is already readable, so batches form on their own.
        await nextTurn();
        continue;
      }
      const batch = queue.splice(0, maxBatch);
      if (queue.length < MAX_QUEUED && wake.pump) {
        const resume = wake.pump;
        wake.pump = null;
        resume();
      }
      await this.handleUntilDone(batch);
      // A real turn of the event loop after every batch: a catch-up runs on promises that
      // are already resolved (and the audit log's handler is synchronous), so without it
      // three processors catching up a million events would starve every request. Live,
      // it also lets a batch form: without it the handler would take what arrived during
      // one microtask hop (100,000 events went out in 32,000 batches of three).
      await nextTurn();
    }
    wake.pump?.();
    await subscription.close();
    await pump;
    if (failure && !this.stopped) throw failure;
  }

  /** A failed batch is tried again after a backoff, never skipped. */
  private async handleUntilDone(raw: RecordedEvent[]): Promise<void> {
    // Events at or before the checkpoint were handled already (a resubscription may repeat them).
    const fresh = raw.filter((event) => event.position > this.current);
    if (fresh.length === 0) return;
    const upcast = this.options.upcast ? fresh.map(this.options.upcast) : fresh;
    for (let attempt = 1; ; attempt++) {
      try {
        // Opened on each try: a key store that was out of reach may answer the next time.
        const batch = this.options.open ? await this.options.open(upcast) : upcast;
        await this.handler.handle(batch);
        this.lastError = null;
        this.batches++;
        this.current = upcast[upcast.length - 1].position;
        this.lastProgressAt = new Date().toISOString();
        this.waiters.reached(this.current);
        return;
      } catch (error) {
        this.lastError = message(error);
        this.logger.error(`${this.handler.name}: batch failed; retrying`, { error: this.lastError, from: upcast[0].position, attempt });
        if (this.stopped) return;
        await sleep(backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF), this.stopping.signal);
        if (this.stopped) return;
      }
    }
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
