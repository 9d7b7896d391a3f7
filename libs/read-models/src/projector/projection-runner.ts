import { LogProcessor, type EventStore, type LogHandler, type LogProcessorOptions, type ProjectionProgress, type RecordedEvent } from '#event-store';
import type { CollectionWriteOp, IndexSpec, ReadStore } from '../read-store.port.js';
import { isFenceRefusal, LeaseLostError } from './lease.js';
import { projectionId, type Projection } from './projection.js';

export type { ProjectionProgress };

export const CHECKPOINTS = 'projector_checkpoints';

/** Below this many events a build from the start keeps its indexes from the first write. */
const BULK_BUILD_MIN_EVENTS = 10_000;

/**
 * The projections as one handler of the log: each batch's writes and the projections'
 * new checkpoints go to the read store as one unit, so a crash leaves either all of a
 * batch or none of it; should an event still arrive twice, the position guard in each
 * document makes the second application a no-op. Each projection has its own
 * checkpoint, so a new projection (or a new version of one) rebuilds from the start
 * while the others go on from theirs.
 */
export class ProjectionsHandler implements LogHandler {
  readonly name = 'projector';
  private readonly checkpoints = new Map<string, number>();
  /** Indexes of projections being built from the start, created once the build reaches `bulkUntil`. */
  private deferred: { collection: string; index: IndexSpec }[] = [];
  private bulkUntil = 0;

  constructor(
    private readonly readStore: ReadStore,
    private readonly projections: Projection[],
    private readonly headPosition: () => Promise<number> = async () => 0,
    private readonly bulkBuildMinEvents = BULK_BUILD_MIN_EVENTS,
    /** The lease's fencing write (see ReadStoreLease.fence), added to every batch; none where one process is the only writer. */
    private readonly fence: (() => CollectionWriteOp) | null = null,
  ) {}

  /**
   * Creates the projections' indexes; a projection built from the start over a long log
   * (a new projection, a new version, a new data directory) gets its indexes after it has
   * caught up with the log as it was at start: building an index over loaded rows is one
   * sort, keeping it during the load is a random B-tree insert per row and index.
   */
  async prepare(): Promise<void> {
    await this.checkpoint();
    const head = await this.headPosition();
    for (const projection of this.projections) {
      const fresh = (this.checkpoints.get(projectionId(projection)) ?? 0) === 0 && head >= this.bulkBuildMinEvents;
      for (const collection of projection.collections)
        for (const index of collection.indexes) {
          // Search hints and unique indexes are not deferred: the first costs nothing to
          // declare, the second is a rule the build itself must keep.
          if (fresh && !index.substring && !index.unique) this.deferred.push({ collection: collection.name, index });
          else await this.readStore.collection(collection.name).createIndex(index);
        }
    }
    this.bulkUntil = head;
    if (this.deferred.length > 0) await this.readStore.bulkLoad?.(true);
  }

  private async createDeferredIndexes(): Promise<void> {
    const deferred = this.deferred;
    this.deferred = [];
    for (const { collection, index } of deferred) await this.readStore.collection(collection).createIndex(index);
    await this.readStore.bulkLoad?.(false);
  }

  async checkpoint(): Promise<number> {
    const stored = await this.readStore.collection<{ _id: string; position: number }>(CHECKPOINTS).find({});
    for (const projection of this.projections) {
      const id = projectionId(projection);
      this.checkpoints.set(id, stored.find((c) => c._id === id)?.position ?? 0);
    }
    return this.projections.length === 0 ? 0 : Math.min(...this.checkpoints.values());
  }

  async handle(batch: RecordedEvent[]): Promise<void> {
    const ops: CollectionWriteOp[] = [];
    const last = batch[batch.length - 1].position;
    for (const event of batch) {
      for (const projection of this.projections) {
        if ((this.checkpoints.get(projectionId(projection)) ?? 0) >= event.position) continue;
        if (projection.canHandle(event)) ops.push(...projection.project(event));
      }
    }
    for (const projection of this.projections) {
      const id = projectionId(projection);
      if ((this.checkpoints.get(id) ?? 0) >= last) continue;
      // $max: a second projector (or a stale one) never moves a checkpoint back.
      ops.push({ collection: CHECKPOINTS, updateOne: { filter: { _id: id }, update: { $max: { position: last } }, upsert: true } });
    }
    if (this.fence) ops.push(this.fence());
    try {
      await this.readStore.applyBatch(ops);
    } catch (error) {
      if (this.fence && isFenceRefusal(error)) throw new LeaseLostError(this.name);
      throw error;
    }
    for (const projection of this.projections) {
      const id = projectionId(projection);
      this.checkpoints.set(id, Math.max(this.checkpoints.get(id) ?? 0, last));
    }
    if (this.deferred.length > 0 && last >= this.bulkUntil) await this.createDeferredIndexes();
  }
}

/** The read models' projector: a log processor running the projections. */
export class ProjectionRunner extends LogProcessor {
  constructor(
    events: EventStore,
    readStore: ReadStore,
    projections: Projection[],
    options: Pick<LogProcessorOptions, 'logger' | 'upcast' | 'maxBatch'> & { retryDelayMs?: number; bulkBuildMinEvents?: number; fence?: () => CollectionWriteOp } = {},
  ) {
    super(events, new ProjectionsHandler(readStore, projections, () => events.headPosition(), options.bulkBuildMinEvents, options.fence ?? null), {
      upcast: options.upcast,
      maxBatch: options.maxBatch,
      backoff: { initialMs: options.retryDelayMs ?? 1000, maxMs: 30_000 },
      logger: options.logger,
    });
  }
}

/**
 * The projections' progress as stored, seen from a process that does not run the
 * projector (an API replica beside the projector process, a standby): the lowest of
 * their checkpoints, 0 until each has one.
 */
export function storedCheckpoints(readStore: ReadStore, projectionIds: string[]): () => Promise<number> {
  return async () => {
    const docs = await readStore.collection<{ _id: string; position: number }>(CHECKPOINTS).find({ _id: { $in: projectionIds } });
    if (docs.length < projectionIds.length) return 0;
    return Math.min(...docs.map((d) => d.position));
  };
}
