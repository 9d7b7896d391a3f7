import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventStore, RecordedEvent, Subscription } from '#event-store';
import type { CollectionWriteOp, ReadStore } from '../read-store.port.js';
import { PositionWaiters } from './position-waiters.js';
import { projectionId, type Projection } from './projection.js';

export const CHECKPOINTS = 'projector_checkpoints';

export interface ProjectorStatus {
  running: boolean;
  checkpoint: number;
  lastError: string | null;
}

/** Something that can tell when the read models have caught up to a log position. */
export interface ProjectionProgress {
  checkpoint(): Promise<number>;
  /** Resolves true once the read models include `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean>;
}

interface Logger {
  log(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

const silent: Logger = { log: () => {}, error: () => {} };
const MAX_BATCH = 2000;
const MAX_QUEUED = 20_000;

/**
 * Applies events to the projections in log order.
 *
 * Events arrive through a subscription (catch up, then live). A pump moves them into
 * a queue and the applier takes whatever has queued up as one batch: during a
 * rebuild batches are large, live they are small. Each batch's writes and the new
 * checkpoints go to the read store as one unit, so a crash leaves either all of a
 * batch or none of it; should an event still arrive twice, the position guard in
 * each document makes the second application a no-op.
 */
export class ProjectionRunner implements ProjectionProgress {
  private readonly checkpoints = new Map<string, number>();
  private current = 0;
  private subscription: Subscription | null = null;
  private stopped = false;
  private running = false;
  private lastError: string | null = null;
  private readonly waiters = new PositionWaiters();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: Projection[],
    private readonly options: { logger?: Logger; upcast?: (event: RecordedEvent) => RecordedEvent; retryDelayMs?: number } = {},
  ) {}

  private get logger(): Logger {
    return this.options.logger ?? silent;
  }

  /** Prepares indexes and checkpoints, then runs until stopped. Resolves once started. */
  async start(): Promise<void> {
    for (const projection of this.projections)
      for (const collection of projection.collections)
        for (const index of collection.indexes) await this.readStore.collection(collection.name).createIndex(index);

    const stored = await this.readStore.collection<{ _id: string; position: number }>(CHECKPOINTS).find({});
    for (const projection of this.projections) {
      const id = projectionId(projection);
      this.checkpoints.set(id, stored.find((c) => c._id === id)?.position ?? 0);
    }
    this.current = Math.min(...this.checkpoints.values(), Number.MAX_SAFE_INTEGER);
    if (this.projections.length === 0) this.current = 0;
    this.stopped = false;
    this.running = true;
    this.loop = this.run(this.current).finally(() => (this.running = false));
  }

  /** Catches up to the head of the log; used at boot so the first query sees everything. */
  async catchUp(timeoutMs = 600_000): Promise<void> {
    const head = await this.events.headPosition();
    if (!(await this.waitFor(head, timeoutMs))) throw new Error(`Projector did not reach position ${head} in ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.loop;
    this.waiters.cancelAll();
  }

  status(): ProjectorStatus {
    return { running: this.running, checkpoint: this.current, lastError: this.lastError };
  }

  async checkpoint(): Promise<number> {
    return this.current;
  }

  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(this.current, position, timeoutMs);
  }

  private async run(after: number): Promise<void> {
    const subscription = (this.subscription = this.events.subscribeToAll({ after }));
    const queue: RecordedEvent[] = [];
    // Held in an object: TypeScript does not see closures assign plain locals.
    const wake: { applier: (() => void) | null; pump: (() => void) | null } = { applier: null, pump: null };
    let pumpDone = false;

    const pump = (async () => {
      try {
        for await (const event of subscription) {
          queue.push(event);
          wake.applier?.();
          if (queue.length >= MAX_QUEUED) await new Promise<void>((resolve) => (wake.pump = resolve));
        }
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error('projector subscription failed', { error: this.lastError });
      } finally {
        pumpDone = true;
        wake.applier?.();
      }
    })();

    while (!this.stopped) {
      if (queue.length === 0) {
        if (pumpDone) break;
        await new Promise<void>((resolve) => (wake.applier = resolve));
        wake.applier = null;
        // Let the pump drain what is already readable, so batches form on their own.
        await nextTurn();
        continue;
      }
      const batch = queue.splice(0, MAX_BATCH);
      if (queue.length < MAX_QUEUED && wake.pump) {
        const resume = wake.pump;
        wake.pump = null;
        resume();
      }
      await this.applyUntilDone(batch);
      // Without this turn the applier would take what arrived during one microtask hop:
      // 100,000 events went out in 32,000 batches of three.
      if (queue.length < MAX_BATCH && !pumpDone) await nextTurn();
    }
    await subscription.close();
    await pump;
  }

  /** A failed batch is retried, never skipped: skipping would silently corrupt a read model. */
  private async applyUntilDone(batch: RecordedEvent[]): Promise<void> {
    for (;;) {
      try {
        await this.apply(batch);
        this.lastError = null;
        return;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error('projection batch failed; retrying', { error: this.lastError, from: batch[0].position });
        if (this.stopped) return;
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 1000));
        if (this.stopped) return;
      }
    }
  }

  private async apply(batch: RecordedEvent[]): Promise<void> {
    const ops: CollectionWriteOp[] = [];
    const last = batch[batch.length - 1].position;
    for (const raw of batch) {
      const event = this.options.upcast ? this.options.upcast(raw) : raw;
      for (const projection of this.projections) {
        if ((this.checkpoints.get(projectionId(projection)) ?? 0) >= event.position) continue;
        if (projection.canHandle(event)) ops.push(...projection.project(event));
      }
    }
    for (const projection of this.projections) {
      const id = projectionId(projection);
      if ((this.checkpoints.get(id) ?? 0) >= last) continue;
      ops.push({ collection: CHECKPOINTS, updateOne: { filter: { _id: id }, update: { $set: { position: last } }, upsert: true } });
    }
    await this.readStore.applyBatch(ops);
    for (const projection of this.projections) {
      const id = projectionId(projection);
      this.checkpoints.set(id, Math.max(this.checkpoints.get(id) ?? 0, last));
    }
    this.current = last;
    this.waiters.reached(last);
  }
}

/**
 * Progress as seen from a process that does not run the projector (a command-api
 * replica in production): it reads the checkpoints the projector process stores.
 */
export class StoredCheckpointProgress implements ProjectionProgress {
  constructor(
    private readonly readStore: ReadStore,
    private readonly projectionIds: string[],
    private readonly pollMs = 25,
  ) {}

  async checkpoint(): Promise<number> {
    const docs = await this.readStore.collection<{ _id: string; position: number }>(CHECKPOINTS).find({ _id: { $in: this.projectionIds } });
    if (docs.length < this.projectionIds.length) return 0;
    return Math.min(...docs.map((d) => d.position));
  }

  async waitFor(position: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.checkpoint()) >= position) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, Math.max(1, deadline - Date.now()))));
    }
  }
}
