import type Database from 'better-sqlite3';
import { openSideDatabase } from '#event-store';
import type { Collection, MongoClient } from 'mongodb';
import { closeSync, fdatasync, openSync } from 'node:fs';

/**
 * The keys that seal personal data in the event log, one per person (issue 20), kept
 * apart from the log: `keys.db` beside it in the embedded default, a MongoDB collection in
 * production. Each key is stored already sealed with SECRETS_KEY (the store never sees a
 * key in clear). Destroying a key is the erasure: the row stays, with no key, so a reader
 * can tell "erased" from "never had a key", and no new key is ever made for that subject.
 */
export interface PersonalKeyStore {
  /**
   * The sealed key of each subject asked for: a string, or null when it was destroyed.
   * With `make`, a subject that never had a key gets one (made by `make`, stored durably
   * before this answers); without it such a subject is simply absent from the answer.
   * Processes racing to make a subject's key all end with the one stored first.
   */
  keysFor(keyIds: readonly string[], make?: () => string): Promise<Map<string, string | null>>;
  /** Destroys the keys (for good); returns how many existed and were not yet destroyed. */
  destroy(keyIds: readonly string[], at: string): Promise<number>;
  close(): Promise<void>;
}

type PendingKeys = { ids: readonly string[]; make: () => string; done: (error: unknown) => void };

export class SqliteKeyStore implements PersonalKeyStore {
  private readonly db: Database.Database;
  private readonly select;
  private readonly insert;
  private readonly clear;
  private pending: PendingKeys[] = [];
  private walFd: number | null = null;

  constructor(private readonly filename: string) {
    this.db = openSideDatabase(filename);
    // A key lost in a power cut while the event it sealed was kept would make that event's
    // personal data unreadable for good: new keys are on disk before they are used, as
    // the log's appends are (SqliteEventStore): committed, then the WAL fdatasync'ed off
    // the event loop (synchronous=FULL here blocked every request on the disk: measured,
    // single invitations over HTTP fell from about 400/s to 101/s).
    // A destroyed key's bytes are overwritten in the file, not just unlinked from the tree.
    this.db.pragma('secure_delete = ON');
    this.db.exec('CREATE TABLE IF NOT EXISTS personal_keys (key_id TEXT PRIMARY KEY, sealed_key TEXT, created_at TEXT NOT NULL, destroyed_at TEXT)');
    this.select = this.db.prepare<[string], { sealed_key: string | null }>('SELECT sealed_key FROM personal_keys WHERE key_id = ?');
    this.insert = this.db.prepare('INSERT OR IGNORE INTO personal_keys (key_id, sealed_key, created_at) VALUES (?, ?, ?)');
    this.clear = this.db.prepare("UPDATE personal_keys SET sealed_key = NULL, destroyed_at = ? WHERE key_id = ? AND sealed_key IS NOT NULL");
  }

  async keysFor(keyIds: readonly string[], make?: () => string): Promise<Map<string, string | null>> {
    const found = new Map<string, string | null>();
    const read = () => {
      for (const id of keyIds) {
        const row = this.select.get(id);
        if (row) found.set(id, row.sealed_key);
      }
    };
    read();
    const missing = keyIds.filter((id) => !found.has(id));
    if (missing.length === 0 || !make) return found;
    await this.create(missing, make);
    for (const id of missing) found.set(id, this.select.get(id)?.sealed_key ?? null);
    return found;
  }

  /** New keys of every caller of one event-loop turn in one transaction, and one sync for all of them. */
  private create(ids: readonly string[], make: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ ids, make, done: (error) => (error ? reject(error) : resolve()) }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    const finish = (error: unknown) => batch.forEach((p) => p.done(error));
    try {
      this.db.transaction(() => {
        const now = new Date().toISOString();
        for (const { ids, make } of batch) for (const id of ids) this.insert.run(id, make(), now);
      }).immediate();
      if (this.filename === ':memory:') return finish(null);
      this.walFd ??= openSync(`${this.filename}-wal`, 'r');
    } catch (error) {
      return finish(error);
    }
    fdatasync(this.walFd, finish);
  }

  async destroy(keyIds: readonly string[], at: string): Promise<number> {
    const destroyed = this.db.transaction(() => keyIds.reduce((n, id) => n + this.clear.run(at, id).changes, 0)).immediate();
    // The write-ahead log still holds the pages as they were before: copy the new ones
    // into the file and cut the log to nothing, so the old key is in no file any more.
    // Another process reading at that moment can hold the checkpoint back: try again.
    for (let attempt = 0; attempt < 50; attempt++) {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (!result || result.busy === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return destroyed;
  }

  async close(): Promise<void> {
    if (this.walFd !== null) closeSync(this.walFd);
    this.db.close();
  }
}

interface KeyDocument {
  _id: string;
  sealedKey: string | null;
  createdAt: Date;
  destroyedAt: Date | null;
}

export class MongoKeyStore implements PersonalKeyStore {
  private readonly keys: Collection<KeyDocument>;

  constructor(client: MongoClient, dbName: string) {
    this.keys = client.db(dbName).collection<KeyDocument>('personal_keys');
  }

  private async read(keyIds: readonly string[]): Promise<Map<string, string | null>> {
    const docs = await this.keys.find({ _id: { $in: [...keyIds] } }, { projection: { sealedKey: 1 } }).toArray();
    return new Map(docs.map((d) => [d._id, d.sealedKey]));
  }

  async keysFor(keyIds: readonly string[], make?: () => string): Promise<Map<string, string | null>> {
    const found = await this.read(keyIds);
    const missing = keyIds.filter((id) => !found.has(id));
    if (missing.length === 0 || !make) return found;
    // Upserts that only insert: a racing process's key, stored first, is kept, and ours dropped.
    // Majority write concern: a key the primary alone acknowledged could be rolled back
    // after its event was stored.
    const createdAt = new Date();
    try {
      await this.keys.bulkWrite(
        missing.map((id) => ({ updateOne: { filter: { _id: id }, update: { $setOnInsert: { sealedKey: make(), createdAt, destroyedAt: null } }, upsert: true } })),
        { ordered: false, writeConcern: { w: 'majority', journal: true } },
      );
    } catch (error) {
      // Two upserts of one new _id at once: the loser fails with a duplicate key, and the winner's key is the one.
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    for (const [id, key] of await this.read(missing)) found.set(id, key);
    return found;
  }

  async destroy(keyIds: readonly string[], at: string): Promise<number> {
    const result = await this.keys.updateMany(
      { _id: { $in: [...keyIds] }, sealedKey: { $ne: null } },
      { $set: { sealedKey: null, destroyedAt: new Date(at) } },
      { writeConcern: { w: 'majority', journal: true } },
    );
    return result.modifiedCount;
  }

  async close(): Promise<void> {}
}
