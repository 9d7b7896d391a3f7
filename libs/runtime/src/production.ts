import type { Logger } from 'pino';
import { ReadStoreAuditLog } from '#read-models';
import { MongoBlobStore, MongoKeyStore, MongoLoginThrottle, MongoOneTimeStore, MongoReactorStore, MongoSessionStore } from '#side-stores';
import type { AppConfig } from './config.js';
import { OpeningAuditLog } from './personal-data/opening-audit-log.js';
import { secureDataDirectory } from './data-directory.js';
import { createMailer, loadSecretBox, openEventStore, SHARED_STORE_PROJECTIONS, hashedThrottleKeys, withPersonalData, type Stores } from './stores.js';

/**
 * The production shape: the event log in EventStoreDB (EVENTSTORE_CONNECTION_STRING)
 * and everything else in MongoDB (MONGODB_URI), shared by every API replica and the
 * one projector process.
 */
export async function openProductionStores(config: AppConfig, logger: Logger): Promise<Stores> {
  if (!config.mongodbUri) throw new Error('The production shape needs MONGODB_URI');
  secureDataDirectory(config.dataDir);
  const { createMongoClient, MongoReadStore } = await import('#read-models/mongodb');
  const log = await openEventStore(config);
  const client = createMongoClient(config.mongodbUri);
  await client.connect();
  const db = config.mongodbDb;
  // The personal-data keys live in MongoDB, never in EventStoreDB: a copy of the log alone holds no one's data.
  const keyStore = new MongoKeyStore(client, db);
  const secretBox = loadSecretBox(config);
  const { eventStore, vault } = withPersonalData(log, keyStore, secretBox);
  const readStore = MongoReadStore.fromClient(client, db);
  // Every process learns the search hints (an API replica never creates the indexes):
  // its writes keep the search pieces and its searches use them once they are complete.
  for (const projection of SHARED_STORE_PROJECTIONS)
    for (const collection of projection.collections) for (const index of collection.indexes) readStore.declareSearch(collection.name, index);
  const sessionStore = new MongoSessionStore(client, db);
  await sessionStore.init();
  const oneTimeStore = new MongoOneTimeStore(client, db);
  await oneTimeStore.init();
  const loginThrottle = new MongoLoginThrottle(client, db, config.loginFailureWindowMinutes * 60_000);
  await loginThrottle.init();
  const mailer = createMailer(config, logger);
  return {
    deployment: 'production',
    eventStore,
    keyStore,
    vault,
    readStore,
    sessionStore,
    oneTimeStore,
    blobStore: new MongoBlobStore(client, db),
    reactorStore: new MongoReactorStore(client, db),
    loginThrottle: hashedThrottleKeys(loginThrottle, secretBox),
    auditLog: new OpeningAuditLog(new ReadStoreAuditLog(readStore), vault),
    sqliteAuditLog: null,
    projections: SHARED_STORE_PROJECTIONS,
    secretBox,
    mailer,
    async close() {
      await eventStore.close();
      await mailer.close().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}
