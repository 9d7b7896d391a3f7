import type { Logger } from 'pino';
import type { LogProcessor, ProjectionProgress } from '#event-store';
import type { ProjectionRunner } from '#read-models';
import type { AppConfig } from './config.js';
import { openEmbeddedStores } from './embedded.js';
import { LeasedProcessors } from './leased-processors.js';
import type { MailProcessor } from './processors.js';
import { openProductionStores } from './production.js';
import type { Stores } from './stores.js';

/** The adapters and log processors a command-API process runs on, chosen from the configuration. */
export interface Infrastructure extends Stores {
  config: AppConfig;
  logger: Logger;
  /** The processors' lease and role; null in a process started without them (RUN_PROJECTOR=false). */
  processors: LeasedProcessors | null;
  /** The projector while this process holds the processors' lease (the embedded default, alone, always does). */
  readonly runner: ProjectionRunner | null;
  /** Sends setup mail; runs beside the projector. */
  readonly mailReactor: MailProcessor | null;
  /** The embedded audit log's own processor, for health; null when the audit log is a projection or runs elsewhere. */
  readonly auditFollower: LogProcessor | null;
  /** How far the audit log has followed the log (its own processor in the embedded default, a projection otherwise). */
  auditProgress: ProjectionProgress;
  progress: ProjectionProgress;
  /**
   * The head of the log when this process started. A query without a position of its own
   * waits for the read models to reach it (or answers 503 read-model-behind): after a
   * restart that is the tail since the last checkpoint, after a new projection version
   * its build from the start.
   */
  startPosition: number;
}

/** The deployment this configuration names: production with MONGODB_URI, else the embedded default. */
export function openStores(config: AppConfig, logger: Logger): Promise<Stores> {
  return config.mongodbUri ? openProductionStores(config, logger) : openEmbeddedStores(config, logger);
}

/**
 * Opens the stores and starts (or stands by for) the log processors. `wrap` puts
 * decorators around the ports before anything uses them (the tests inject faults there).
 */
export async function createInfrastructure(config: AppConfig, logger: Logger, options: { wrap?: (stores: Stores) => Stores } = {}): Promise<Infrastructure> {
  const opened = await openStores(config, logger);
  const stores = options.wrap ? options.wrap(opened) : opened;
  const startPosition = await stores.eventStore.headPosition();
  // The processors that write run under a lease, in one process at a time; a process
  // started without them (RUN_PROJECTOR=false) follows their stored checkpoints.
  const processors = new LeasedProcessors(stores, config, logger);
  if (config.runProjector) await processors.start();
  const stopWarning = config.runProjector ? () => {} : warnWhileNoProjector(processors, config, logger);

  return Object.defineProperties(
    {
      ...stores,
      config,
      logger,
      processors: config.runProjector ? processors : null,
      auditProgress: processors.auditProgress,
      progress: processors.progress,
      startPosition,
      async close() {
        stopWarning();
        if (config.runProjector) await processors.stop();
        await stores.close();
      },
    },
    {
      // Whichever processors this process runs at the moment (none while standing by).
      runner: { get: () => processors.runner, enumerable: true },
      mailReactor: { get: () => processors.mailReactor, enumerable: true },
      auditFollower: { get: () => processors.auditFollower, enumerable: true },
    },
  ) as Infrastructure;
}

/**
 * A process started without the projector (RUN_PROJECTOR=false) relies on another one:
 * while no process holds the processors' lease, its read models never move and its
 * requests answer 503 read-model-behind. It says so in its log, once the lease has had
 * a lifetime to be taken, then every minute while it stays free.
 */
function warnWhileNoProjector(processors: LeasedProcessors, config: AppConfig, logger: Logger): () => void {
  let timer: NodeJS.Timeout;
  const check = async () => {
    const holder = await processors.lease.holder().catch(() => undefined);
    if (holder === null)
      logger.warn({ lease: processors.lease.name }, 'no process runs the projector (RUN_PROJECTOR=false here, and no projector process holds the lease): the read models do not move; start one with npm run start:projector');
    timer = setTimeout(() => void check(), 60_000);
    timer.unref();
  };
  timer = setTimeout(() => void check(), config.leaseTtlMs);
  timer.unref();
  return () => clearTimeout(timer);
}
