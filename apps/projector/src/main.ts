import { createServer } from 'node:http';
import { MongoClient } from 'mongodb';
import { MongoReadStore } from '#read-models/mongodb';
import { MongoReactorStore } from '../../command-api/src/mail/reactor-store.js';
import { ProjectionRunner } from '#read-models';
import { ConfigError, loadConfig } from '../../command-api/src/config.js';
import { createMailer, createMailReactor, loadSecretBox, openEventStore, SHARED_STORE_PROJECTIONS, upcastRecorded } from '../../command-api/src/infrastructure.js';
import { createLogger } from '../../command-api/src/shared/logger.js';

/**
 * The projector as its own process (production): it follows the event log
 * (EventStoreDB) and keeps the read models in MongoDB, with its checkpoints stored in
 * the same transactions as the writes they cover. It also runs the setup-mail
 * reactor, so each invitation is mailed by exactly one process. Run exactly one.
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
  const events = await openEventStore(config);
  const client = new MongoClient(config.mongodbUri);
  await client.connect();
  const readStore = MongoReadStore.fromClient(client, config.mongodbDb);
  const runner = new ProjectionRunner(events, readStore, SHARED_STORE_PROJECTIONS, {
    upcast: upcastRecorded,
    logger: { log: (m, c) => logger.info(c ?? {}, m), error: (m, c) => logger.error(c ?? {}, m) },
  });
  await runner.start();
  const mailer = createMailer(config, logger);
  const mailReactor = createMailReactor({
    config,
    logger,
    eventStore: events,
    readStore,
    secretBox: loadSecretBox(config),
    mailer,
    reactorStore: new MongoReactorStore(client, config.mongodbDb),
  });
  await mailReactor.start();
  logger.info({ eventStore: events.kind, projections: SHARED_STORE_PROJECTIONS.map((p) => `${p.name}_v${p.version}`) }, 'projector started');

  // A small health endpoint for the orchestrator: checkpoint, head and lag.
  const port = Number(process.env.PROJECTOR_PORT ?? 3001);
  const health = createServer(async (_req, res) => {
    const status = runner.status();
    const head = await events.headPosition().catch(() => null);
    const body = { ...status, headPosition: head, lag: head === null ? null : Math.max(0, head - status.checkpoint) };
    res.writeHead(status.running && !status.lastError ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }).listen(port);

  const stop = async (signal: string) => {
    logger.info({ signal }, 'projector stopping');
    health.close();
    await mailReactor.stop();
    await runner.stop();
    await mailer.close();
    await events.close();
    await client.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Projector failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
