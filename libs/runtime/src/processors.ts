import type { Logger } from 'pino';
import { AUDIT_MAX_BATCH } from '#read-models';
import { LogProcessor, watchForStalls, type LogHandler, type LogProcessorStatus, type RecordedEvent } from '#event-store';
import { ProjectionRunner, type CollectionWriteOp } from '#read-models';
import type { AppConfig } from './config.js';
import { SETUP_MAIL_REACTOR, SETUP_MAIL_TYPES, SetupMailReactor } from './mail/setup-mail.reactor.js';
import type { Stores } from './stores.js';
import { upcastRecorded } from './upcasters.js';

/** Handled ids kept this long (they guard only the moment before the checkpoint passes an event). */
export const HANDLED_IDS_KEPT_DAYS = 7;
const PRUNE_EVERY_MS = 6 * 3_600_000;

/** The setup mail's processor; `reached` waits for it (tests, and whoever needs a mail out). */
export class MailProcessor extends LogProcessor {
  private pruning: NodeJS.Timeout | null = null;

  constructor(
    private readonly stores: Stores,
    private readonly reactor: SetupMailReactor,
    private readonly log: Logger,
  ) {
    // Only the invitations are opened: the reactor reads nothing else.
    super(stores.eventStore, reactor, { upcast: upcastRecorded, maxBatch: 500, logger: loggerFor(log), ...openedBatches(stores, (event) => SETUP_MAIL_TYPES.has(event.type)) });
  }

  /** Starts, and prunes the reactor's old handled ids now and every six hours. */
  override async start(): Promise<void> {
    await super.start();
    await this.prune();
    this.pruning = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruning.unref();
  }

  async prune(now = Date.now()): Promise<number> {
    try {
      const removed = await this.stores.reactorStore.pruneHandled(SETUP_MAIL_REACTOR, new Date(now - HANDLED_IDS_KEPT_DAYS * 86_400_000));
      if (removed > 0) this.log.info({ removed }, 'pruned the setup mail reactor\'s old handled ids');
      return removed;
    } catch (error) {
      this.log.error({ err: error }, 'pruning the setup mail reactor\'s handled ids failed; trying again later');
      return 0;
    }
  }

  async reached(position: number, timeoutMs = 60_000): Promise<void> {
    if (!(await this.waitFor(position, timeoutMs))) throw new Error(`setup mail did not reach position ${position}`);
  }

  override async stop(): Promise<void> {
    if (this.pruning) clearInterval(this.pruning);
    this.reactor.stop();
    await super.stop();
  }
}

/**
 * A processor that needs personal values in clear reads the log sealed and opens each
 * batch with one key lookup; its actors' emails, addresses and browsers stay sealed (no
 * processor reads them).
 */
export const openedBatches = (stores: Pick<Stores, 'vault'>, only?: (event: RecordedEvent) => boolean) => ({
  sealed: true,
  open: (batch: RecordedEvent[]) => stores.vault.open(batch, { metadata: false, only }),
});

export const loggerFor = (logger: Logger) => ({ info: (m: string, c?: Record<string, unknown>) => logger.info(c ?? {}, m), error: (m: string, c?: Record<string, unknown>) => logger.error(c ?? {}, m) });

/**
 * Events per projector batch (one read-store transaction with its checkpoint). Live,
 * batches are what arrived meanwhile; a build from the start fills them, and fewer,
 * larger transactions write each page of the read store fewer times
 * (bench/spikes/rebuild-sqlite.ts compares sizes).
 */
export const PROJECTOR_MAX_BATCH = 10_000;

/** The read models' projector over this deployment's read store. */
export function createProjector(stores: Stores, logger: Logger, fence?: () => CollectionWriteOp): ProjectionRunner {
  return new ProjectionRunner(stores.eventStore, stores.readStore, stores.projections, { upcast: upcastRecorded, maxBatch: PROJECTOR_MAX_BATCH, logger: loggerFor(logger), fence, open: openedBatches(stores).open });
}

/** The setup-mail reactor; it runs wherever the projector runs (one process). */
export function createMailProcessor(stores: Stores, config: AppConfig, logger: Logger, lease?: { mayMail: () => boolean; projected: (position: number) => Promise<boolean> }): MailProcessor {
  const reactor = new SetupMailReactor({
    events: stores.eventStore,
    readStore: stores.readStore,
    box: stores.secretBox,
    mailer: stores.mailer,
    store: stores.reactorStore,
    logger,
    links: { publicUrl: config.publicUrl, setupUrl: config.setupUrl },
    mayMail: lease?.mayMail,
    projected: lease?.projected,
  });
  return new MailProcessor(stores, reactor, logger);
}

/** The embedded audit log follows the log with a processor of its own (null where it is a projection). */
export function createAuditFollower(stores: Stores, logger: Logger): LogProcessor | null {
  const handler: LogHandler | null = stores.sqliteAuditLog;
  // Sealed, as stored: the audit log opens personal values when it answers (an erased person's read as erased).
  return handler && new LogProcessor(stores.eventStore, handler, { upcast: upcastRecorded, maxBatch: AUDIT_MAX_BATCH, logger: loggerFor(logger), sealed: true });
}

/**
 * Exits the process non-zero when one of its log processors has been stalled for
 * `config.processorStallExitMs` (see `isStalled`): the orchestrator restarts it, and the
 * processors resume from their checkpoints. Off when the setting is 0.
 */
export function exitOnStall(statuses: () => LogProcessorStatus[], config: Pick<AppConfig, 'processorStallExitMs'>, logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  if (config.processorStallExitMs <= 0) return () => {};
  return watchForStalls(statuses, config.processorStallExitMs, (status) => {
    logger.fatal({ processor: status.name, subscription: status.subscription, lastError: status.lastError, lastProgressAt: status.lastProgressAt }, 'a log processor made no progress; exiting for a restart');
    exit(1);
  });
}
