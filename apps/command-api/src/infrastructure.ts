import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EventStore, RecordedEvent } from '../../../libs/event-store/src/event-store.port.js';
import { SqliteEventStore } from '../../../libs/event-store/src/sqlite/sqlite-event-store.js';
import { MingoReadStore } from '../../../libs/read-models/src/mingo/mingo-read-store.js';
import { projectionId } from '../../../libs/read-models/src/projector/projection.js';
import { ProjectionRunner, StoredCheckpointProgress, type ProjectionProgress } from '../../../libs/read-models/src/projector/projection-runner.js';
import { ALL_PROJECTIONS } from '../../../libs/read-models/src/projections/index.js';
import type { ReadStore } from '../../../libs/read-models/src/read-store.port.js';
import { MongoSessionStore, SqliteSessionStore, type SessionStore } from './auth/session-store.js';
import type { AppConfig } from './config.js';
import { FileBlobStore, MongoBlobStore, type BlobStore } from './organizations/organization-logo/blob-store.js';
import { UPCASTERS } from './shared/upcasters.js';

/** The adapters this process runs on, chosen from the configuration. */
export interface Infrastructure {
  config: AppConfig;
  logger: Logger;
  eventStore: EventStore;
  readStore: ReadStore;
  sessionStore: SessionStore;
  blobStore: BlobStore;
  /** Present when this process runs the projector (always in the embedded default). */
  runner: ProjectionRunner | null;
  progress: ProjectionProgress;
  /** Milliseconds the boot-time rebuild of the read models took, when this process ran it. */
  rebuildMs: number | null;
  close(): Promise<void>;
}

export function upcastRecorded(event: RecordedEvent): RecordedEvent {
  const upcast = UPCASTERS.upcast({ type: event.type, schemaVersion: Number(event.metadata.schemaVersion ?? 1), data: event.data });
  return upcast.data === event.data ? event : { ...event, data: upcast.data };
}

export async function openEventStore(config: AppConfig): Promise<EventStore> {
  if (config.eventStoreConnectionString) {
    // Loaded only when used: the embedded default never loads the gRPC client.
    const { EventStoreDbEventStore } = await import('../../../libs/event-store/src/eventstoredb/esdb-event-store.js');
    return new EventStoreDbEventStore(config.eventStoreConnectionString);
  }
  return new SqliteEventStore({ filename: join(config.dataDir, 'events.db'), synchronous: config.sqliteSynchronous });
}

export async function createInfrastructure(config: AppConfig, logger: Logger): Promise<Infrastructure> {
  const eventStore = await openEventStore(config);
  let readStore: ReadStore;
  let sessionStore: SessionStore;
  let blobStore: BlobStore;
  const closers: (() => Promise<void>)[] = [];

  if (config.mongodbUri) {
    const { MongoClient } = await import('mongodb');
    const { MongoReadStore } = await import('../../../libs/read-models/src/mongodb/mongo-read-store.js');
    const client = new MongoClient(config.mongodbUri);
    await client.connect();
    readStore = MongoReadStore.fromClient(client, config.mongodbDb);
    const sessions = new MongoSessionStore(client, config.mongodbDb);
    await sessions.init();
    sessionStore = sessions;
    blobStore = new MongoBlobStore(client, config.mongodbDb);
    closers.push(() => client.close());
  } else {
    readStore = new MingoReadStore();
    const sqliteSessions = new SqliteSessionStore(join(config.dataDir, 'sessions.db'));
    sessionStore = sqliteSessions;
    blobStore = new FileBlobStore(join(config.dataDir, 'blobs'));
    closers.push(() => sqliteSessions.close(), () => readStore.close());
  }

  let runner: ProjectionRunner | null = null;
  let progress: ProjectionProgress;
  let rebuildMs: number | null = null;
  if (config.runProjector) {
    runner = new ProjectionRunner(eventStore, readStore, ALL_PROJECTIONS, {
      upcast: upcastRecorded,
      logger: { log: (m, c) => logger.info(c ?? {}, m), error: (m, c) => logger.error(c ?? {}, m) },
    });
    const started = performance.now();
    await runner.start();
    // In the embedded default the read models are in memory: rebuild them before serving.
    await runner.catchUp();
    rebuildMs = Math.round(performance.now() - started);
    progress = runner;
  } else {
    progress = new StoredCheckpointProgress(readStore, ALL_PROJECTIONS.map(projectionId));
  }

  return {
    config,
    logger,
    eventStore,
    readStore,
    sessionStore,
    blobStore,
    runner,
    progress,
    rebuildMs,
    async close() {
      await runner?.stop();
      await eventStore.close();
      for (const close of closers) await close().catch(() => {});
    },
  };
}
