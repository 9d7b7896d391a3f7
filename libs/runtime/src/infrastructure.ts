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
  /** Milliseconds the boot-time rebuild of the read models took, when this process ran it. */
  rebuildMs: number | null;
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
  let rebuildMs: number | null = null;
  if (config.runProjector) {
    runner = createProjector(stores, logger);
    const started = performance.now();
    await runner.start();
    // In the embedded default the read models are in memory: rebuild them before serving.
    await runner.catchUp();
    rebuildMs = Math.round(performance.now() - started);
    progress = runner;
    mailReactor = createMailProcessor(stores, config, logger);
    await mailReactor.start();
  } else {
    progress = new StoredCheckpointProgress(stores.readStore, stores.projections.map(projectionId));
  }
  // Started after the rebuild, so the two do not share the boot: the audit log is on
  // disk already and follows the tail since its checkpoint, in the background. Its
  // routes wait for it (read your writes), not every command.
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
    rebuildMs,
    async close() {
      await mailReactor?.stop();
      await auditFollower?.stop();
      await runner?.stop();
      await stores.close();
    },
  };
}
