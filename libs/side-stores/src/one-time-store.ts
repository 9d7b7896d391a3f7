import type Database from 'better-sqlite3';
import type { Collection, MongoClient } from 'mongodb';
import { openSideDatabase } from '#event-store';

/**
 * Short-lived values that must be used at most once, shared by every replica: OIDC
 * sign-ins in flight (state, nonce, PKCE verifier), SAML request ids (InResponseTo),
 * SAML assertion ids already accepted, and the 60-second codes a UI exchanges for a
 * session. `take` removes and returns in one step, so two replicas racing for the same
 * key cannot both win.
 */
export interface OneTimeStore {
  /** Stores `value` under `key` until `ttlMs` from now; false when the key is already held. */
  put(kind: string, key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Reads without using up (SAML's request-id cache reads before it removes). */
  peek(kind: string, key: string): Promise<string | null>;
  /** Returns the value and removes it; null when absent or expired. */
  take(kind: string, key: string): Promise<string | null>;
  close(): Promise<void>;
}

export class SqliteOneTimeStore implements OneTimeStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(filename: string) {
    this.db = openSideDatabase(filename);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS one_time (
        kind       TEXT NOT NULL,
        key        TEXT NOT NULL,
        value      TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (kind, key)
      ) WITHOUT ROWID;
    `);
    this.statements = {
      sweep: this.db.prepare('DELETE FROM one_time WHERE expires_at <= ?'),
      insert: this.db.prepare('INSERT OR IGNORE INTO one_time (kind, key, value, expires_at) VALUES (?, ?, ?, ?)'),
      peek: this.db.prepare<[string, string, number], { value: string }>('SELECT value FROM one_time WHERE kind = ? AND key = ? AND expires_at > ?'),
      take: this.db.prepare<[string, string], { value: string; expires_at: number }>('DELETE FROM one_time WHERE kind = ? AND key = ? RETURNING value, expires_at'),
    };
  }

  async put(kind: string, key: string, value: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    // Expired rows go as new ones arrive: an expired key can be held again.
    this.statements.sweep.run(now);
    return this.statements.insert.run(kind, key, value, now + ttlMs).changes === 1;
  }

  async peek(kind: string, key: string): Promise<string | null> {
    return this.statements.peek.get(kind, key, Date.now())?.value ?? null;
  }

  async take(kind: string, key: string): Promise<string | null> {
    const row = this.statements.take.get(kind, key);
    return row && row.expires_at > Date.now() ? row.value : null;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

interface OneTimeDocument {
  _id: string;
  value: string;
  expiresAt: Date;
}

export class MongoOneTimeStore implements OneTimeStore {
  private readonly items: Collection<OneTimeDocument>;

  constructor(client: MongoClient, dbName: string) {
    this.items = client.db(dbName).collection<OneTimeDocument>('sso_one_time');
  }

  async init(): Promise<void> {
    // MongoDB removes expired entries itself (within a minute); reads check the time too.
    await this.items.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  }

  async put(kind: string, key: string, value: string, ttlMs: number): Promise<boolean> {
    const _id = `${kind}:${key}`;
    const now = new Date();
    // An expired entry the TTL monitor has not removed yet must not hold the key.
    await this.items.deleteOne({ _id, expiresAt: { $lte: now } });
    try {
      await this.items.insertOne({ _id, value, expiresAt: new Date(now.getTime() + ttlMs) });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async peek(kind: string, key: string): Promise<string | null> {
    const doc = await this.items.findOne({ _id: `${kind}:${key}`, expiresAt: { $gt: new Date() } });
    return doc?.value ?? null;
  }

  async take(kind: string, key: string): Promise<string | null> {
    const doc = await this.items.findOneAndDelete({ _id: `${kind}:${key}` });
    return doc && doc.expiresAt.getTime() > Date.now() ? doc.value : null;
  }

  async close(): Promise<void> {}
}
