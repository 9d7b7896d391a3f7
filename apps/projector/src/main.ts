import { createServer } from 'node:http';
import { ConfigError, createLogger, createMailProcessor, createProjector, exitOnStall, loadConfig, openProductionStores } from '#runtime';

/**
 * The projector as its own process (production): it follows the event log
 * (EventStoreDB) and keeps the read models in MongoDB, with its checkpoints stored in
 * the same transactions as the writes they cover. It also runs the setup-mail
 * reactor, so each invitation is mailed by exactly one process. Run exactly one.
 * It opens the same production stores as the command API (libs/runtime).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ ...process.env, RUN_PROJECTOR: 'true' });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (!config.mongodbUri) {
    process.stderr.write('The standalone projector writes to MongoDB: set MONGODB_URI. Without it, `npm start` runs the projector in process.\n');
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const stores = await openProductionStores(config, logger);
  const runner = createProjector(stores, logger);
  await runner.start();
  const mailReactor = createMailProcessor(stores, config, logger);
  await mailReactor.start();
  // Stuck for PROCESSOR_STALL_EXIT_SECONDS (a subscription that does not come back, a store that stays unwritable): exit for a restart.
  const stopWatching = exitOnStall([runner, mailReactor], config, logger);
  logger.info({ eventStore: stores.eventStore.kind, projections: stores.projections.map((p) => `${p.name}_v${p.version}`) }, 'projector started');

  // A small health endpoint for the orchestrator: each processor's checkpoint, lag and subscription.
  const port = Number(process.env.PROJECTOR_PORT ?? 3001);
  const health = createServer(async (_req, res) => {
    const [projector, mail] = await Promise.all([runner.health(), mailReactor.health()]);
    const ok = [projector, mail].every((p) => p.running && !p.lastError && p.subscription === 'live');
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...projector, processors: { projector, mail } }));
  }).listen(port);

  const stop = async (signal: string) => {
    logger.info({ signal }, 'projector stopping');
    health.close();
    stopWatching();
    await mailReactor.stop();
    await runner.stop();
    await stores.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Projector failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
