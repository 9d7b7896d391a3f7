import { DataFileError, NativeModuleError } from '#event-store';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from '#runtime';
import { createInfrastructure, exitOnStall } from '#runtime';
import { createLogger } from '#runtime';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const bootStarted = performance.now();
  const infra = await createInfrastructure(config, logger);
  const { app } = await createApp(infra);
  await app.listen(config.port, config.host);
  logger.info(
    {
      port: config.port,
      eventStore: infra.eventStore.kind,
      readStore: infra.readStore.kind,
      processors: infra.processors?.currentRole() ?? 'elsewhere',
      startPosition: infra.startPosition,
      bootMs: Math.round(performance.now() - bootStarted),
      rssMiB: Math.round(process.memoryUsage().rss / 1048576),
    },
    `organization service listening on ${config.publicUrl}`,
  );

  // A projector, audit log or mail processor that stays stuck makes the process exit for a restart.
  const stopWatching = exitOnStall(() => infra.processors?.statuses() ?? [], config, logger);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stopWatching();
    await app.close();
    await infra.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  // A damaged data file gets the explanation written for a person, not a stack trace.
  if (error instanceof DataFileError || error instanceof NativeModuleError) process.stderr.write(`Failed to start.\n${error.message}\n`);
  else if (typeof (error as { code?: unknown })?.code === 'string' && /^SQLITE_(CORRUPT|NOTADB|IOERR)/.test((error as { code: string }).code))
    process.stderr.write(
      `Failed to start: a data file in DATA_DIR is damaged (${(error as Error).message}).\nCheck which with: npm run check-data\nRestore it from your last backup of the data directory; the service keeps no backups of its own.\n`,
    );
  else process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
