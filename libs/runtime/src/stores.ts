import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EventStore } from '#event-store';
import { SqliteEventStore } from '#event-store';
import { ALL_PROJECTIONS, auditProjection, type AuditLog, type Projection, type ReadStore, type SqliteAuditLog } from '#read-models';
import { KeyHashingThrottle, type BlobStore, type LoginThrottle, type OneTimeStore, type PersonalKeyStore, type ReactorStore, type SessionStore } from '#side-stores';
import type { AppConfig } from './config.js';
import { OutboxMailer, SmtpMailer, type Mailer } from './mail/mailer.js';
import { OpeningEventStore } from './personal-data/opening-event-store.js';
import { PersonalDataVault } from './personal-data/vault.js';
import { SecretBox } from './secret-box.js';

/**
 * Every port a process of this service works with, opened for one deployment: the
 * embedded default (embedded.ts) or the production shape (production.ts). Both apps,
 * the command API and the projector, start from here.
 */
export interface Stores {
  deployment: 'embedded' | 'production';
  /** The log as readers see it: personal values opened by the vault (personal-data/opening-event-store.ts). */
  eventStore: EventStore;
  /** The keys that seal personal values in the log, one per person (issue 20). */
  keyStore: PersonalKeyStore;
  /** Seals personal values before an append, opens them on reads, erases a person by destroying their keys. */
  vault: PersonalDataVault;
  readStore: ReadStore;
  sessionStore: SessionStore;
  /** SSO sign-ins in flight, SAML request and assertion ids, one-time codes: shared by replicas. */
  oneTimeStore: OneTimeStore;
  blobStore: BlobStore;
  reactorStore: ReactorStore;
  loginThrottle: LoginThrottle;
  /** The audit log read model: SQLite beside the log (embedded) or a MongoDB collection. */
  auditLog: AuditLog;
  /** The embedded audit log is a handler of its own log processor; null where it is one of the projections. */
  sqliteAuditLog: SqliteAuditLog | null;
  /** The projections the read store runs (with MongoDB the audit log is one of them). */
  projections: Projection[];
  secretBox: SecretBox;
  mailer: Mailer;
  close(): Promise<void>;
}

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

export function loadSecretBox(config: AppConfig): SecretBox {
  return SecretBox.load({ envKey: config.secretsKey, keyFile: join(config.dataDir, 'secret.key') });
}

/** The log behind the vault: sealed on the way in by the write side, opened on the way out. */
export function withPersonalData(log: EventStore, keyStore: PersonalKeyStore, secretBox: SecretBox): { eventStore: EventStore; vault: PersonalDataVault } {
  const vault = new PersonalDataVault(keyStore, secretBox);
  return { eventStore: new OpeningEventStore(log, vault), vault };
}

/** Sign-in counters keyed by HMACs of the email and client address they count (no personal data in the throttle's file). */
export function hashedThrottleKeys(throttle: LoginThrottle, secretBox: SecretBox): LoginThrottle {
  const key = secretBox.derive('login-throttle-keys');
  return new KeyHashingThrottle(throttle, (k) => createHmac('sha256', key).update(k).digest('base64url').slice(0, 32));
}
