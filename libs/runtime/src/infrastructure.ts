import type { Logger } from 'pino';
import type { LogProcessor, ProjectionProgress } from '#event-store';
import { projectionId, StoredCheckpointProgress, type ProjectionRunner } from '#read-models';
import type { AppConfig } from './config.js';
import { openEmbeddedStores } from './embedded.js';
import { createAuditFollower, createMailProcessor, createProjector, type MailProcessor } from './processors.js';
import { openProductionStores } from './production.js';
import type { Stores } from './stores.js';

/** The adapters and log processors a command-API process runs on, chosen from the configuration. */
export interface Infrastructure extends Stores {
  config: AppConfig;
  logger: Logger;
  /** Present when this process runs the projector (always in the embedded default). */
  runner: ProjectionRunner | null;
  /** Sends setup mail; runs wherever the projector runs. */
  mailReactor: MailProcessor | null;
  /** The embedded audit log's own processor, for health; null when the audit log is a projection. */
  auditFollower: LogProcessor | null;
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

export async function createInfrastructure(config: AppConfig, logger: Logger): Promise<Infrastructure> {
  const stores = await openStores(config, logger);
  let runner: ProjectionRunner | null = null;
  let mailReactor: MailProcessor | null = null;
  let progress: ProjectionProgress;
  const startPosition = await stores.eventStore.headPosition();
  if (config.runProjector) {
    // The read models are persisted with their checkpoints: the projector resumes from
    // them in the background while the process serves.
    runner = createProjector(stores, logger);
    await runner.start();
    progress = runner;
    mailReactor = createMailProcessor(stores, config, logger);
    await mailReactor.start();
  } else {
    progress = new StoredCheckpointProgress(stores.readStore, stores.projections.map(projectionId));
  }
  // The audit log is on disk too and follows the tail since its checkpoint, in the
  // background. Its routes wait for it (read your writes), not every command.
  const auditFollower = createAuditFollower(stores, logger);
  await auditFollower?.start();

  return {
    ...stores,
    config,
    logger,
    runner,
    mailReactor,
    auditFollower,
    auditProgress: auditFollower ?? progress,
    progress,
    startPosition,
    async close() {
      await mailReactor?.stop();
      await auditFollower?.stop();
      await runner?.stop();
      await stores.close();
    },
  };
}
