import type { Logger } from 'pino';
import { LocalOrStoredProgress, PolledProgress, sleep, type LogProcessor, type LogProcessorStatus, type ProjectionProgress } from '#event-store';
import { membersProjection, organizationsProjection, PROCESSORS_LEASE, projectionId, ReadStoreLease, storedCheckpoints, type ProjectionRunner } from '#read-models';
import type { AppConfig } from './config.js';
import { createAuditFollower, createMailProcessor, createProjector, type MailProcessor } from './processors.js';
import type { Stores } from './stores.js';

/** The projections a setup mail is composed from (the member, the organization's name). */
const MAIL_READS = [projectionId(membersProjection), projectionId(organizationsProjection)];

export type LeaseRole = 'holder' | 'standby' | 'stopped';

export interface LeasedProcessorsOptions {
  /** The lease's lifetime without a renewal (LEASE_TTL_SECONDS); a standby takes over this long after a holder on another host dies. */
  ttlMs?: number;
  /** How often a standby tries to acquire (default 1 s). */
  standbyPollMs?: number;
}

interface Running {
  runner: ProjectionRunner;
  mailReactor: MailProcessor;
  auditFollower: LogProcessor | null;
}

/**
 * The log processors that write (the projector, the embedded audit log, the setup
 * mail) run in one process at a time: the one holding the `log-processors` lease. Every
 * process started with the projector (RUN_PROJECTOR, and the projector app) competes
 * for it; the others wait as hot standbys, trying every second, and start the
 * processors from their stored checkpoints when the lease is theirs. The holder renews
 * it every third of its lifetime, and stops its processors as soon as a renewal finds
 * the lease taken (its fenced batches are refused before that).
 *
 * Progress (read-your-writes, the catch-up guard, health) follows the local processors
 * while they run and the stored checkpoints otherwise, so a standby, or an API process
 * that never runs them, answers the same.
 */
export class LeasedProcessors {
  readonly lease: ReadStoreLease;
  readonly progress: ProjectionProgress;
  readonly auditProgress: ProjectionProgress;
  private running: Running | null = null;
  private role: LeaseRole = 'standby';
  private loop: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private readonly ttlMs: number;

  constructor(
    private readonly stores: Stores,
    private readonly config: AppConfig,
    private readonly logger: Logger,
    private readonly options: LeasedProcessorsOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? config.leaseTtlMs;
    this.lease = new ReadStoreLease(stores.readStore, PROCESSORS_LEASE, { ttlMs: this.ttlMs });
    const stored = new PolledProgress(storedCheckpoints(stores.readStore, stores.projections.map(projectionId)));
    this.progress = new LocalOrStoredProgress(() => this.running?.runner ?? null, stored);
    const audit = stores.sqliteAuditLog;
    this.auditProgress = audit ? new LocalOrStoredProgress(() => this.running?.auditFollower ?? null, new PolledProgress(() => audit.checkpoint())) : this.progress;
  }

  get runner(): ProjectionRunner | null {
    return this.running?.runner ?? null;
  }

  get mailReactor(): MailProcessor | null {
    return this.running?.mailReactor ?? null;
  }

  get auditFollower(): LogProcessor | null {
    return this.running?.auditFollower ?? null;
  }

  /** Whether this process runs the processors now. */
  currentRole(): LeaseRole {
    return this.role;
  }

  /** The processors running here now, for the stall watchdog. */
  statuses(): LogProcessorStatus[] {
    const r = this.running;
    return r ? [...r.runner.groupStatuses(), r.mailReactor.status(), ...(r.auditFollower ? [r.auditFollower.status()] : [])] : [];
  }

  /** Tries the lease once (a free lease is taken before this resolves), then keeps at it in the background. */
  async start(): Promise<void> {
    await this.tick();
    this.loop = this.keepGoing();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.stopProcessors();
    await this.lease.release();
    this.role = 'stopped';
  }

  private async keepGoing(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      await sleep(this.role === 'holder' ? this.ttlMs / 3 : (this.options.standbyPollMs ?? 1000), this.stopping.signal);
      if (this.stopping.signal.aborted) break;
      await this.tick().catch((error: unknown) => this.logger.error({ err: error }, 'the processors lease could not be read or renewed; trying again'));
    }
  }

  private async tick(): Promise<void> {
    if (this.role === 'holder') {
      if (await this.lease.renew()) return;
      this.logger.warn({ lease: PROCESSORS_LEASE }, 'another process took the processors lease; this one stands by');
      await this.stopProcessors();
      this.role = 'standby';
      return;
    }
    if (!(await this.lease.tryAcquire())) return;
    this.logger.info({ lease: PROCESSORS_LEASE, token: this.lease.fencingToken() }, 'holding the processors lease: running the projector, the audit log and the setup mail');
    this.role = 'holder';
    await this.startProcessors();
  }

  private async startProcessors(): Promise<void> {
    const fence = () => this.lease.fence();
    const runner = createProjector(this.stores, this.logger, fence);
    const mailReactor = createMailProcessor(this.stores, this.config, this.logger, { mayMail: () => this.lease.held(), projected: (position) => runner.waitFor(position, 30_000, MAIL_READS) });
    const auditFollower = createAuditFollower(this.stores, this.logger);
    await runner.start();
    await mailReactor.start();
    await auditFollower?.start();
    this.running = { runner, mailReactor, auditFollower };
  }

  private async stopProcessors(): Promise<void> {
    const r = this.running;
    if (!r) return;
    this.running = null;
    await r.mailReactor.stop();
    await r.auditFollower?.stop();
    await r.runner.stop();
  }
}
