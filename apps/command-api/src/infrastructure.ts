import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EventStore } from '#event-store';
import { SqliteEventStore } from '#event-store';
import { MingoReadStore } from '#read-models';
import { projectionId } from '#read-models';
import { ProjectionRunner, StoredCheckpointProgress, type ProjectionProgress } from '#read-models';
import type { Projection } from '#read-models';
import { auditProjection, ReadStoreAuditLog } from '#read-models';
import type { AuditLog } from '#read-models';
import { SqliteAuditLog } from '#read-models';
import { ALL_PROJECTIONS } from '#read-models';
import type { ReadStore } from '#read-models';
import { MongoSessionStore, SqliteSessionStore, type SessionStore } from './auth/session-store.js';
import { MongoOneTimeStore, SqliteOneTimeStore, type OneTimeStore } from './sso/one-time-store.js';
import type { AppConfig } from './config.js';
import { FileBlobStore, MongoBlobStore, type BlobStore } from './organizations/organization-logo/blob-store.js';
import { upcastRecorded } from './shared/upcasters.js';
import { SecretBox } from './shared/secret-box.js';
import { secureDataDirectory } from './shared/data-directory.js';
import { OutboxMailer, SmtpMailer, type Mailer } from './mail/mailer.js';
import { MongoReactorStore, SqliteReactorStore, type ReactorStore } from './mail/reactor-store.js';
import { SetupMailReactor } from './mail/setup-mail.reactor.js';
import { MemoryLoginThrottle, MongoLoginThrottle, type LoginThrottle } from './auth/login-throttle.js';

/** The adapters this process runs on, chosen from the configuration. */
export interface Infrastructure {
  config: AppConfig;
  logger: Logger;
  eventStore: EventStore;
  readStore: ReadStore;
  sessionStore: SessionStore;
  /** SSO sign-ins in flight, SAML request and assertion ids, one-time codes: shared by replicas. */
  oneTimeStore: OneTimeStore;
  blobStore: BlobStore;
  /** Present when this process runs the projector (always in the embedded default). */
  runner: ProjectionRunner | null;
  /** Sends setup mail; runs wherever the projector runs. */
  mailReactor: SetupMailReactor | null;
  secretBox: SecretBox;
  /** The audit log read model: SQLite beside the log (embedded) or a MongoDB collection. */
  auditLog: AuditLog;
  /** How far the audit log has followed the log (its own follower in the embedded default, a projection otherwise). */
  auditProgress: ProjectionProgress;
  /** The embedded default's audit log, for health: null when the audit log is a projection. */
  sqliteAuditLog: SqliteAuditLog | null;
  loginThrottle: LoginThrottle;
  progress: ProjectionProgress;
  /** Milliseconds the boot-time rebuild of the read models took, when this process ran it. */
  rebuildMs: number | null;
  close(): Promise<void>;
}

export { upcastRecorded };

/**
 * The projections a shared read store runs. With MongoDB the audit log is one of them;
 * the embedded default keeps it in SQLite instead of memory (see SqliteAuditLog).
 */
export const SHARED_STORE_PROJECTIONS: Projection[] = [...ALL_PROJECTIONS, auditProjection];

export async function openEventStore(config: AppConfig): Promise<EventStore> {
  if (config.eventStoreConnectionString) {
    // Loaded only when used: the embedded default never loads the gRPC client.
    const { EventStoreDbEventStore } = await import('#event-store/eventstoredb');
    return new EventStoreDbEventStore(config.eventStoreConnectionString);
  }
  return new SqliteEventStore({ filename: join(config.dataDir, 'events.db'), synchronous: config.sqliteSynchronous });
}

/** The mailer this configuration asks for: SMTP when SMTP_URL is set, else the outbox. */
export function createMailer(config: AppConfig, logger: Logger): Mailer {
  return config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom) : new OutboxMailer(join(config.dataDir, 'outbox'), config.mailFrom, logger);
}

/** The setup-mail reactor; it runs wherever the projector runs (one process). */
export function createMailReactor(deps: { config: AppConfig; logger: Logger; eventStore: EventStore; readStore: ReadStore; secretBox: SecretBox; mailer: Mailer; reactorStore: ReactorStore }) {
  return new SetupMailReactor({
    events: deps.eventStore,
    readStore: deps.readStore,
    box: deps.secretBox,
    mailer: deps.mailer,
    store: deps.reactorStore,
    logger: deps.logger,
    links: { publicUrl: deps.config.publicUrl, setupUrl: deps.config.setupUrl },
  });
}

export function loadSecretBox(config: AppConfig): SecretBox {
  return SecretBox.load({ envKey: config.secretsKey, keyFile: join(config.dataDir, 'secret.key') });
}

export async function createInfrastructure(config: AppConfig, logger: Logger): Promise<Infrastructure> {
  secureDataDirectory(config.dataDir);
  const eventStore = await openEventStore(config);
  let readStore: ReadStore;
  let sessionStore: SessionStore;
  let oneTimeStore: OneTimeStore;
  let blobStore: BlobStore;
  let reactorStore: ReactorStore;
  let loginThrottle: LoginThrottle;
  let auditLog: AuditLog;
  let sqliteAuditLog: SqliteAuditLog | null = null;
  const throttleWindowMs = config.loginFailureWindowMinutes * 60_000;
  const closers: (() => Promise<void>)[] = [];
  const secretBox = loadSecretBox(config);
  const mailer = createMailer(config, logger);
  closers.push(() => mailer.close());

  if (config.mongodbUri) {
    const { MongoClient } = await import('mongodb');
    const { MongoReadStore } = await import('#read-models/mongodb');
    const client = new MongoClient(config.mongodbUri);
    await client.connect();
    readStore = MongoReadStore.fromClient(client, config.mongodbDb);
    const sessions = new MongoSessionStore(client, config.mongodbDb);
    await sessions.init();
    sessionStore = sessions;
    const oneTime = new MongoOneTimeStore(client, config.mongodbDb);
    await oneTime.init();
    oneTimeStore = oneTime;
    blobStore = new MongoBlobStore(client, config.mongodbDb);
    reactorStore = new MongoReactorStore(client, config.mongodbDb);
    const throttle = new MongoLoginThrottle(client, config.mongodbDb, throttleWindowMs);
    await throttle.init();
    loginThrottle = throttle;
    auditLog = new ReadStoreAuditLog(readStore);
    closers.push(() => client.close());
  } else {
    readStore = new MingoReadStore();
    const sqliteSessions = new SqliteSessionStore(join(config.dataDir, 'sessions.db'));
    sessionStore = sqliteSessions;
    const sqliteOneTime = new SqliteOneTimeStore(join(config.dataDir, 'sso.db'));
    oneTimeStore = sqliteOneTime;
    closers.push(() => sqliteOneTime.close());
    blobStore = new FileBlobStore(join(config.dataDir, 'blobs'));
    // One process: failed sign-ins are counted in memory.
    loginThrottle = new MemoryLoginThrottle(throttleWindowMs);
    const sqliteReactors = new SqliteReactorStore(join(config.dataDir, 'reactors.db'));
    reactorStore = sqliteReactors;
    auditLog = sqliteAuditLog = new SqliteAuditLog(join(config.dataDir, 'audit.db'));
    closers.push(() => sqliteAuditLog!.close(), () => sqliteSessions.close(), () => sqliteReactors.close(), () => readStore.close());
  }

  let runner: ProjectionRunner | null = null;
  let progress: ProjectionProgress;
  let rebuildMs: number | null = null;
  let mailReactor: SetupMailReactor | null = null;
  const projections = config.mongodbUri ? SHARED_STORE_PROJECTIONS : ALL_PROJECTIONS;
  if (config.runProjector) {
    runner = new ProjectionRunner(eventStore, readStore, projections, {
      upcast: upcastRecorded,
      logger: { log: (m, c) => logger.info(c ?? {}, m), error: (m, c) => logger.error(c ?? {}, m) },
    });
    const started = performance.now();
    await runner.start();
    // In the embedded default the read models are in memory: rebuild them before serving.
    await runner.catchUp();
    rebuildMs = Math.round(performance.now() - started);
    progress = runner;
    mailReactor = createMailReactor({ config, logger, eventStore, readStore, secretBox, mailer, reactorStore });
    await mailReactor.start();
  } else {
    progress = new StoredCheckpointProgress(readStore, projections.map(projectionId));
  }
  // Started after the rebuild, so the two do not share the boot: the audit log is on
  // disk already and follows the tail since its checkpoint, in the background. Its
  // routes wait for it (read your writes), not every command.
  sqliteAuditLog?.start(eventStore, upcastRecorded);

  return {
    config,
    logger,
    eventStore,
    readStore,
    sessionStore,
    oneTimeStore,
    blobStore,
    runner,
    mailReactor,
    secretBox,
    auditLog,
    auditProgress: sqliteAuditLog ?? progress,
    sqliteAuditLog,
    loginThrottle,
    progress,
    rebuildMs,
    async close() {
      await mailReactor?.stop();
      await runner?.stop();
      await eventStore.close();
      for (const close of closers) await close().catch(() => {});
    },
  };
}
