import type Database from 'better-sqlite3';
import { openSideDatabase } from '#event-store';
import type { Collection, MongoClient } from 'mongodb';

/**
 * Server-side sessions. The bearer token is 256 random bits; only its SHA-256 is
 * stored, so a leaked session table signs no one in. Sessions live outside the event
 * log on purpose: they are not business facts, and a revocation must act at once.
 */
export interface Session {
  tokenHash: string;
  principalId: string;
  principalKind: 'superAdmin' | 'platformAuditor' | 'platformAnalyst' | 'member';
  organizationId: string | null;
  createdAt: string;
  /** The last request seen, for the idle timeout (recorded at most once a minute). */
  lastSeenAt: string;
  /** When the store may forget the session whatever the policy (the longest absolute timeout). */
  expiresAt: string;
  /**
   * Set by the command that ended the session (deactivation, arrears), so every replica
   * refuses it at once with the truth, before the read models have the event.
   */
  endedReason?: SessionEndedReason;
}

export type SessionEndedReason = 'deactivated' | 'suspended' | 'being-deleted';

export interface SessionStore {
  create(session: Session): Promise<void>;
  find(tokenHash: string): Promise<Session | null>;
  touch(tokenHash: string, lastSeenAt: string): Promise<void>;
  revoke(tokenHash: string): Promise<void>;
  revokeAllFor(principalId: string): Promise<number>;
  /** Marks every session of one person as ended, with the reason its next request is told. */
  endAllFor(principalId: string, reason: SessionEndedReason): Promise<number>;
  /** The same for every member session of one organization (super admins' and platform auditors' are not members'). */
  endAllForOrganization(organizationId: string, reason: SessionEndedReason): Promise<number>;
  /** Every session one person holds (each is a sign-in, kept until it expires or ends), oldest first: what they are told a personal-data export holds. */
  listFor(principalId: string): Promise<Session[]>;
  close(): Promise<void>;
}

interface SessionRow {
  token_hash: string;
  principal_id: string;
  principal_kind: 'superAdmin' | 'platformAuditor' | 'platformAnalyst' | 'member';
  organization_id: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ended_reason: SessionEndedReason | null;
}

export class SqliteSessionStore implements SessionStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(filename: string) {
    this.db = openSideDatabase(filename);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sessions (
        token_hash      TEXT PRIMARY KEY,
        principal_id    TEXT NOT NULL,
        principal_kind  TEXT NOT NULL,
        organization_id TEXT,
        created_at      TEXT NOT NULL,
        last_seen_at    TEXT NOT NULL,
        expires_at      TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS sessions_principal ON sessions (principal_id);
      CREATE INDEX IF NOT EXISTS sessions_organization ON sessions (organization_id);
    `);
    // Added after the first release: files from before get the column.
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(sessions)').all();
    if (!columns.some((c) => c.name === 'ended_reason')) this.db.exec('ALTER TABLE sessions ADD COLUMN ended_reason TEXT');
    // Prepared once: every authenticated request looks its session up.
    this.statements = {
      insert: this.db.prepare(
        'INSERT INTO sessions (token_hash, principal_id, principal_kind, organization_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      sweep: this.db.prepare('DELETE FROM sessions WHERE expires_at < ?'),
      find: this.db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?'),
      touch: this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?'),
      revoke: this.db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      revokeAll: this.db.prepare('DELETE FROM sessions WHERE principal_id = ?'),
      endAll: this.db.prepare('UPDATE sessions SET ended_reason = ? WHERE principal_id = ?'),
      endOrganization: this.db.prepare("UPDATE sessions SET ended_reason = ? WHERE organization_id = ? AND principal_kind = 'member'"),
      listFor: this.db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE principal_id = ? ORDER BY created_at, token_hash'),
    };
  }

  async touch(tokenHash: string, lastSeenAt: string): Promise<void> {
    this.statements.touch.run(lastSeenAt, tokenHash, lastSeenAt);
  }

  async create(s: Session): Promise<void> {
    this.statements.insert.run(s.tokenHash, s.principalId, s.principalKind, s.organizationId, s.createdAt, s.lastSeenAt, s.expiresAt);
    // Expired sessions are swept as new ones arrive, which keeps the table small without a timer.
    this.statements.sweep.run(new Date().toISOString());
  }

  async find(tokenHash: string): Promise<Session | null> {
    const row = this.statements.find.get(tokenHash);
    return row ? this.toSession(row) : null;
  }

  async listFor(principalId: string): Promise<Session[]> {
    return this.statements.listFor.all(principalId).map((row) => this.toSession(row));
  }

  private toSession(row: SessionRow): Session {
    return {
      tokenHash: row.token_hash,
      principalId: row.principal_id,
      principalKind: row.principal_kind,
      organizationId: row.organization_id,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      ...(row.ended_reason ? { endedReason: row.ended_reason } : {}),
    };
  }

  async revoke(tokenHash: string): Promise<void> {
    this.statements.revoke.run(tokenHash);
  }

  async revokeAllFor(principalId: string): Promise<number> {
    return this.statements.revokeAll.run(principalId).changes;
  }

  async endAllFor(principalId: string, reason: SessionEndedReason): Promise<number> {
    return this.statements.endAll.run(reason, principalId).changes;
  }

  async endAllForOrganization(organizationId: string, reason: SessionEndedReason): Promise<number> {
    return this.statements.endOrganization.run(reason, organizationId).changes;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export class MongoSessionStore implements SessionStore {
  private readonly sessions: Collection<Session & { _id: string; expiresAtDate: Date }>;

  constructor(private readonly client: MongoClient, dbName: string) {
    this.sessions = client.db(dbName).collection('sessions');
  }

  async init(): Promise<void> {
    await this.sessions.createIndex({ principalId: 1 });
    await this.sessions.createIndex({ organizationId: 1 });
    // MongoDB removes expired sessions itself.
    await this.sessions.createIndex({ expiresAtDate: 1 }, { expireAfterSeconds: 0 });
  }

  async create(s: Session): Promise<void> {
    await this.sessions.insertOne({ _id: s.tokenHash, ...s, expiresAtDate: new Date(s.expiresAt) });
  }

  async find(tokenHash: string): Promise<Session | null> {
    const doc = await this.sessions.findOne({ _id: tokenHash });
    if (!doc) return null;
    const { _id, expiresAtDate, ...session } = doc;
    return session;
  }

  async touch(tokenHash: string, lastSeenAt: string): Promise<void> {
    await this.sessions.updateOne({ _id: tokenHash, lastSeenAt: { $lt: lastSeenAt } }, { $set: { lastSeenAt } });
  }

  async revoke(tokenHash: string): Promise<void> {
    await this.sessions.deleteOne({ _id: tokenHash });
  }

  async revokeAllFor(principalId: string): Promise<number> {
    return (await this.sessions.deleteMany({ principalId })).deletedCount;
  }

  async endAllFor(principalId: string, reason: SessionEndedReason): Promise<number> {
    return (await this.sessions.updateMany({ principalId }, { $set: { endedReason: reason } })).modifiedCount;
  }

  async endAllForOrganization(organizationId: string, reason: SessionEndedReason): Promise<number> {
    return (await this.sessions.updateMany({ organizationId, principalKind: 'member' }, { $set: { endedReason: reason } })).modifiedCount;
  }

  async listFor(principalId: string): Promise<Session[]> {
    const docs = await this.sessions.find({ principalId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map(({ _id, expiresAtDate, ...session }) => session);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
