import { createServer } from 'node:http';
import { ConfigError, createLogger, exitOnStall, LeasedProcessors, loadConfig, openStores } from '#runtime';

/**
 * The projector as its own process, beside API processes started with
 * RUN_PROJECTOR=false: it runs the log processors that write (the read models'
 * projector, the embedded audit log, the setup mail) while it holds their lease, and
 * stands by otherwise, so a second projector process is a hot standby. It opens the same
 * stores as the command API: EventStoreDB and MongoDB with MONGODB_URI, or the embedded
 * data directory shared with API processes on one machine (libs/runtime).
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
  const logger = createLogger(config.logLevel);
  const stores = await openStores(config, logger);
  const processors = new LeasedProcessors(stores, config, logger);
  await processors.start();
  // Stuck for PROCESSOR_STALL_EXIT_SECONDS (a subscription that does not come back, a store that stays unwritable): exit for a restart.
  const stopWatching = exitOnStall(() => processors.statuses(), config, logger);
  logger.info({ eventStore: stores.eventStore.kind, readStore: stores.readStore.kind, role: processors.currentRole(), projections: stores.projections.map((p) => `${p.name}_v${p.version}`) }, 'projector started');

  // Health for the orchestrator: the role (a standby is healthy), each running processor's checkpoint, lag and subscription.
  const port = Number(process.env.PROJECTOR_PORT ?? 3001);
  const health = createServer(async (_req, res) => {
    const role = processors.currentRole();
    const statuses = await Promise.all([processors.runner?.health(), processors.mailReactor?.health(), processors.auditFollower?.health()]);
    const [projector, mail, audit] = statuses;
    const running = statuses.filter((s) => s !== undefined);
    const ok = running.every((p) => p.running && !p.lastError && p.subscription === 'live');
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ role, fencingToken: processors.lease.fencingToken(), checkpoint: await processors.progress.checkpoint(), processors: { projector: projector ?? null, mail: mail ?? null, auditLog: audit ?? null } }));
  }).listen(port, config.host);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'projector stopping');
    health.close();
    stopWatching();
    await processors.stop();
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
