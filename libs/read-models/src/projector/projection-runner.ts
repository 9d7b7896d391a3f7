import { LogProcessor, type EventStore, type LogHandler, type LogProcessorOptions, type LogProcessorStatus, type ProjectionProgress, type RecordedEvent } from '#event-store';
import type { CollectionWriteOp, IndexSpec, ReadStore } from '../read-store.port.js';
import { isFenceRefusal, LeaseLostError } from './lease.js';
import { projectionId, type Projection } from './projection.js';

export type { ProjectionProgress };

export const CHECKPOINTS = 'projector_checkpoints';

/** Events after which the read store leaves nothing of what was replaced in its files (issue 20). */
const ERASURES = new Set(['UserErased', 'PlatformAccountErased', 'RetentionApplied']);

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
    /** Opens the personal values of a batch read sealed; null when the batches come opened already. */
    private readonly open: ((batch: RecordedEvent[]) => Promise<RecordedEvent[]>) | null = null,
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
    // Most projections need the personal values in clear (names to sort and search); the audit log keeps them sealed.
    const opened = this.open ? await this.open(batch) : batch;
    for (let i = 0; i < batch.length; i++) {
      for (const projection of this.projections) {
        const event = projection.readsSealed ? batch[i] : opened[i];
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
    // An erasure was applied: what its writes replaced must not stay in the store's files.
    if (batch.some((event) => ERASURES.has(event.type))) await this.readStore.compact?.();
  }
}

type RunnerOptions = Pick<LogProcessorOptions, 'logger' | 'upcast' | 'maxBatch' | 'open'> & { retryDelayMs?: number; bulkBuildMinEvents?: number; fence?: () => CollectionWriteOp };

/** A log processor running a group of projections that share one checkpoint: one read-store transaction per batch for all of them. */
export class ProjectionGroup extends LogProcessor {
  constructor(
    events: EventStore,
    readStore: ReadStore,
    readonly projections: Projection[],
    options: RunnerOptions = {},
  ) {
    super(events, new ProjectionsHandler(readStore, projections, () => events.headPosition(), options.bulkBuildMinEvents, options.fence ?? null, options.open ?? null), {
      upcast: options.upcast,
      // Read sealed and opened by the handler, which gives each projection the form it reads.
      sealed: options.open !== undefined,
      maxBatch: options.maxBatch,
      backoff: { initialMs: options.retryDelayMs ?? 1000, maxMs: 30_000 },
      logger: options.logger,
    });
  }
}

/**
 * The read models' projector. At start it groups the projections by their stored
 * checkpoint and runs one log processor per group: normally one group, all at the same
 * position; after a new projection (or a new version of one) the projections that are
 * already up to date go on live in their group while the new one is built from the
 * start in its own. So a query waits only for the projections it reads (`waitFor` with
 * their ids): a build of the members' read model does not hold back a query of
 * organizations. Groups stay apart until the next start, when equal checkpoints join them.
 */
export class ProjectionRunner implements ProjectionProgress {
  private groups: ProjectionGroup[] = [];
  private readonly groupOf = new Map<string, ProjectionGroup>();
  private started: Promise<void> | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: Projection[],
    private readonly options: RunnerOptions = {},
  ) {}

  async start(): Promise<void> {
    this.started = this.startGroups();
    await this.started;
  }

  private async startGroups(): Promise<void> {
    const stored = await this.readStore.collection<{ _id: string; position: number }>(CHECKPOINTS).find({ _id: { $in: this.projections.map(projectionId) } });
    const byCheckpoint = new Map<number, Projection[]>();
    for (const projection of this.projections) {
      const at = stored.find((c) => c._id === projectionId(projection))?.position ?? 0;
      byCheckpoint.set(at, [...(byCheckpoint.get(at) ?? []), projection]);
    }
    // The furthest ahead first: the live group starts before a build from the start.
    const groups = [...byCheckpoint.entries()].sort(([a], [b]) => b - a).map(([, projections]) => new ProjectionGroup(this.events, this.readStore, projections, this.options));
    if (groups.length === 0) groups.push(new ProjectionGroup(this.events, this.readStore, [], this.options));
    for (const group of groups) {
      await group.start();
      for (const projection of group.projections) this.groupOf.set(projectionId(projection), group);
    }
    this.groups = groups;
  }

  async stop(): Promise<void> {
    await this.started?.catch(() => {});
    await Promise.all(this.groups.map((group) => group.stop()));
  }

  /** The groups this set of projection ids is in (all groups without ids, or for ids of none). */
  private targets(projectionIds?: readonly string[]): ProjectionGroup[] {
    if (!projectionIds) return this.groups;
    const found = [...new Set(projectionIds.map((id) => this.groupOf.get(id)).filter((g): g is ProjectionGroup => g !== undefined))];
    return found.length > 0 ? found : this.groups;
  }

  /** The lowest checkpoint of the given projections (of all without ids). */
  async checkpoint(projectionIds?: readonly string[]): Promise<number> {
    await this.started;
    const groups = this.targets(projectionIds);
    return groups.length === 0 ? 0 : Math.min(...(await Promise.all(groups.map((g) => g.checkpoint()))));
  }

  /** Resolves true once the given projections (all without ids) have handled `position`. */
  async waitFor(position: number, timeoutMs: number, projectionIds?: readonly string[]): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    await this.started;
    const results = await Promise.all(this.targets(projectionIds).map((g) => g.waitFor(position, Math.max(0, deadline - Date.now()))));
    return results.every(Boolean);
  }

  /** Waits until every projection has handled the head of the log as it is now. */
  async catchUp(timeoutMs = 600_000): Promise<void> {
    const head = await this.events.headPosition();
    if (!(await this.waitFor(head, timeoutMs))) throw new Error(`the projector did not reach position ${head} in ${timeoutMs} ms`);
  }

  /** Each group's status (the stall watchdog looks at them one by one). */
  groupStatuses(): LogProcessorStatus[] {
    return this.groups.map((group) => ({ ...group.status(), name: `projector (${group.projections.map(projectionId).join(', ')})` }));
  }

  /** The groups together: running when all run, the lowest checkpoint, the first error, the worst subscription. */
  status(): LogProcessorStatus {
    const all = this.groups.map((group) => group.status());
    const worst = (['reconnecting', 'starting', 'stopped', 'live'] as const).find((state) => all.some((s) => s.subscription === state)) ?? 'starting';
    return {
      name: 'projector',
      running: all.length > 0 && all.every((s) => s.running),
      checkpoint: all.length ? Math.min(...all.map((s) => s.checkpoint)) : 0,
      lastError: all.find((s) => s.lastError !== null)?.lastError ?? null,
      subscription: worst,
      batches: all.reduce((sum, s) => sum + s.batches, 0),
      resubscriptions: all.reduce((sum, s) => sum + s.resubscriptions, 0),
      lastProgressAt: all.map((s) => s.lastProgressAt).sort()[0] ?? new Date().toISOString(),
    };
  }

  /** The status with how far behind the head the slowest group is, in events. */
  async health(): Promise<LogProcessorStatus & { headPosition: number | null; lag: number | null; lagAtLeast?: true; groups: number }> {
    const healths = await Promise.all(this.groups.map((group) => group.health()));
    const slowest = healths.reduce<(typeof healths)[number] | null>((a, b) => (a === null || b.checkpoint < a.checkpoint ? b : a), null);
    return { ...this.status(), headPosition: slowest?.headPosition ?? null, lag: slowest?.lag ?? null, ...(slowest?.lagAtLeast ? { lagAtLeast: true as const } : {}), groups: this.groups.length };
  }
}

/**
 * The projections' progress as stored, seen from a process that does not run the
 * projector (an API replica beside the projector process, a standby): the lowest of
 * their checkpoints, 0 until each has one.
 */
export function storedCheckpoints(readStore: ReadStore, projectionIds: string[]): (only?: readonly string[]) => Promise<number> {
  return async (only) => {
    const ids = only ? projectionIds.filter((id) => only.includes(id)) : projectionIds;
    const wanted = ids.length > 0 ? ids : projectionIds;
    const docs = await readStore.collection<{ _id: string; position: number }>(CHECKPOINTS).find({ _id: { $in: wanted } });
    if (docs.length < wanted.length) return 0;
    return Math.min(...docs.map((d) => d.position));
  };
}
