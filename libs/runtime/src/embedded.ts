import { join } from 'node:path';
import type { Logger } from 'pino';
import { ALL_PROJECTIONS, SqliteAuditLog, SqliteReadStore } from '#read-models';
import { FileBlobStore, SqliteKeyStore, SqliteLoginThrottle, SqliteOneTimeStore, SqliteReactorStore, SqliteSessionStore } from '#side-stores';
import type { AppConfig } from './config.js';
import { OpeningAuditLog } from './personal-data/opening-audit-log.js';
import { secureDataDirectory } from './data-directory.js';
import { createMailer, loadSecretBox, openEventStore, hashedThrottleKeys, withPersonalData, type Stores } from './stores.js';

/**
 * The embedded default: one data directory. The event log, the audit log and the side
 * stores are SQLite files (sessions, sign-in windows, SSO one-time values, reactor
 * progress), logos are files, and the read models are persisted in `read.db` with their
 * checkpoints: a restart resumes them from there instead of rebuilding them from the log.
 */
export async function openEmbeddedStores(config: AppConfig, logger: Logger): Promise<Stores> {
  secureDataDirectory(config.dataDir);
  const file = (name: string) => join(config.dataDir, name);
  const log = await openEventStore(config);
  // The personal-data keys live beside the log, never in it: a copy of events.db alone holds no one's data.
  const keyStore = new SqliteKeyStore(file('keys.db'));
  const secretBox = loadSecretBox(config);
  const { eventStore, vault } = withPersonalData(log, keyStore, secretBox);
  const readStore = new SqliteReadStore(file('read.db'));
  const sessionStore = new SqliteSessionStore(file('sessions.db'));
  const oneTimeStore = new SqliteOneTimeStore(file('sso.db'));
  const reactorStore = new SqliteReactorStore(file('reactors.db'));
  const loginThrottle = new SqliteLoginThrottle(file('throttle.db'), config.loginFailureWindowMinutes * 60_000);
  const sqliteAuditLog = new SqliteAuditLog(file('audit.db'));
  const mailer = createMailer(config, logger);
  return {
    deployment: 'embedded',
    eventStore,
    keyStore,
    vault,
    readStore,
    sessionStore,
    oneTimeStore,
    blobStore: new FileBlobStore(file('blobs')),
    reactorStore,
    loginThrottle: hashedThrottleKeys(loginThrottle, secretBox),
    auditLog: new OpeningAuditLog(sqliteAuditLog, vault),
    sqliteAuditLog,
    projections: ALL_PROJECTIONS,
    secretBox,
    mailer,
    async close() {
      await eventStore.close();
      for (const close of [() => mailer.close(), () => sqliteAuditLog.close(), () => sessionStore.close(), () => oneTimeStore.close(), () => reactorStore.close(), () => loginThrottle.close(), () => keyStore.close(), () => readStore.close()])
        await close().catch(() => {});
    },
  };
}
