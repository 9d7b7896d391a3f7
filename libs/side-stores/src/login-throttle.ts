import type Database from 'better-sqlite3';
import type { Collection, MongoClient } from 'mongodb';
import { openSideDatabase } from '#event-store';

/** A counter and the most it may reach in one window: an account's email, a client IP. */
export interface ThrottleKey {
  key: string;
  limit: number;
}

/**
 * What `reserve` answers: either every key took one attempt (settle it once the
 * password is checked), or one key is at its limit and the caller waits.
 */
export type Reservation = { granted: true; keys: string[] } | { granted: false; retryAfterSeconds: number };

/**
 * Counts sign-in attempts per key in fixed windows. An attempt is counted *before* the
 * slow password hash is checked, atomically with the limit check (reserve), and given
 * back only when the password turns out to be right (release). So forty guesses sent
 * at once get five tries between them, not forty; counting after the hash, as before,
 * let every guess of a burst pass the check before any of them was counted.
 */
export interface LoginThrottle {
  /** Takes one attempt on every key, or none if any key is at its limit. */
  reserve(keys: ThrottleKey[], now: number): Promise<Reservation>;
  /** Gives an attempt back (the password was right, or the request never checked one). */
  release(keys: string[]): Promise<void>;
  /** Forgets a key's window (a successful sign-in clears the account's failures). */
  reset(key: string): Promise<void>;
}

interface Window {
  count: number;
  startedAt: number;
}

/** One process (the embedded default): a map, atomic because JavaScript runs one call at a time. */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly windowMs: number) {}

  async reserve(keys: ThrottleKey[], now: number): Promise<Reservation> {
    if (this.windows.size > 100_000) for (const [key, w] of this.windows) if (w.startedAt + this.windowMs <= now) this.windows.delete(key);
    let wait = 0;
    for (const { key, limit } of keys) {
      const window = this.current(key, now);
      if (window && window.count >= limit) wait = Math.max(wait, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
    }
    if (wait > 0) return { granted: false, retryAfterSeconds: wait };
    for (const { key } of keys) {
      const window = this.current(key, now);
      if (window) window.count += 1;
      else this.windows.set(key, { count: 1, startedAt: now });
    }
    return { granted: true, keys: keys.map((k) => k.key) };
  }

  async release(keys: string[]): Promise<void> {
    for (const key of keys) {
      const window = this.windows.get(key);
      if (window && window.count > 0) window.count -= 1;
    }
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    return window && window.startedAt + this.windowMs > now ? window : undefined;
  }
}

/**
 * Beside the event log (the embedded default): windows in a SQLite file, so they
 * survive a restart and several processes on one data directory share them. Each
 * reserve is one IMMEDIATE transaction: the limit check and the count cannot be split
 * by another process's attempt.
 */
export class SqliteLoginThrottle implements LoginThrottle {
  private readonly db: Database.Database;
  private readonly reserveAll: (keys: ThrottleKey[], now: number) => Reservation;
  private readonly statements;

  constructor(filename: string, private readonly windowMs: number) {
    this.db = openSideDatabase(filename);
    this.db.exec('CREATE TABLE IF NOT EXISTS login_windows (key TEXT PRIMARY KEY, count INTEGER NOT NULL, started_at INTEGER NOT NULL)');
    this.statements = {
      get: this.db.prepare<[string], { count: number; started_at: number }>('SELECT count, started_at FROM login_windows WHERE key = ?'),
      start: this.db.prepare('INSERT INTO login_windows (key, count, started_at) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET count = 1, started_at = excluded.started_at'),
      take: this.db.prepare('UPDATE login_windows SET count = count + 1 WHERE key = ?'),
      give: this.db.prepare('UPDATE login_windows SET count = count - 1 WHERE key = ? AND count > 0'),
      reset: this.db.prepare('DELETE FROM login_windows WHERE key = ?'),
      expire: this.db.prepare('DELETE FROM login_windows WHERE started_at <= ?'),
    };
    const transaction = this.db.transaction((keys: ThrottleKey[], now: number): Reservation => {
      let wait = 0;
      const open = keys.map(({ key, limit }) => {
        const row = this.statements.get.get(key);
        const current = row && row.started_at + this.windowMs > now ? row : undefined;
        if (current && current.count >= limit) wait = Math.max(wait, Math.ceil((current.started_at + this.windowMs - now) / 1000));
        return { key, current };
      });
      if (wait > 0) return { granted: false, retryAfterSeconds: wait };
      for (const { key, current } of open) {
        if (current) this.statements.take.run(key);
        else this.statements.start.run(key, now);
      }
      return { granted: true, keys: keys.map((k) => k.key) };
    });
    this.reserveAll = (keys, now) => transaction.immediate(keys, now);
  }

  async reserve(keys: ThrottleKey[], now: number): Promise<Reservation> {
    return this.reserveAll(keys, now);
  }

  async release(keys: string[]): Promise<void> {
    for (const key of keys) this.statements.give.run(key);
  }

  async reset(key: string): Promise<void> {
    this.statements.reset.run(key);
  }

  /** Drops windows that ended (called now and then; a stale window is ignored anyway). */
  async prune(now: number): Promise<void> {
    this.statements.expire.run(now - this.windowMs);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

interface FailureDocument {
  _id: string;
  count: number;
  startedAt: number;
  expiresAt: Date;
}

const DUPLICATE_KEY = 11000;

/**
 * The same counts shared by every replica, in MongoDB. Each key is taken with one
 * conditional `$inc` whose filter holds the limit (`count < limit` in the current
 * window), so two replicas cannot both take the last attempt; expired windows restart
 * with a conditional `$set` and are removed by a TTL index.
 */
export class MongoLoginThrottle implements LoginThrottle {
  private readonly failures: Collection<FailureDocument>;

  constructor(client: MongoClient, dbName: string, private readonly windowMs: number) {
    this.failures = client.db(dbName).collection('login_failures');
  }

  async init(): Promise<void> {
    await this.failures.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  }

  async reserve(keys: ThrottleKey[], now: number): Promise<Reservation> {
    const taken: string[] = [];
    for (const { key, limit } of keys) {
      const wait = await this.take(key, limit, now);
      if (wait > 0) {
        await this.release(taken);
        return { granted: false, retryAfterSeconds: wait };
      }
      taken.push(key);
    }
    return { granted: true, keys: taken };
  }

  /** 0 when one attempt was taken on `key`, else the seconds until its window ends. */
  private async take(key: string, limit: number, now: number): Promise<number> {
    const windowStart = now - this.windowMs;
    for (let attempt = 0; attempt < 3; attempt++) {
      // The common case: a current window with attempts left.
      const counted = await this.failures.updateOne({ _id: key, startedAt: { $gt: windowStart }, count: { $lt: limit } }, { $inc: { count: 1 } });
      if (counted.matchedCount === 1) return 0;
      // A window that has ended starts again at one.
      const restarted = await this.failures.updateOne(
        { _id: key, startedAt: { $lte: windowStart } },
        { $set: { count: 1, startedAt: now, expiresAt: new Date(now + this.windowMs) } },
      );
      if (restarted.matchedCount === 1) return 0;
      const existing = await this.failures.findOne({ _id: key });
      if (existing) {
        if (existing.startedAt > windowStart && existing.count >= limit) return Math.max(1, Math.ceil((existing.startedAt + this.windowMs - now) / 1000));
        continue; // It changed between the calls; look again.
      }
      try {
        await this.failures.insertOne({ _id: key, count: 1, startedAt: now, expiresAt: new Date(now + this.windowMs) });
        return 0;
      } catch (error) {
        // Another replica created the window first: count against it.
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
    }
    // Still contended after three rounds: refuse this attempt rather than let it through uncounted.
    return 1;
  }

  async release(keys: string[]): Promise<void> {
    for (const key of keys) await this.failures.updateOne({ _id: key, count: { $gt: 0 } }, { $inc: { count: -1 } });
  }

  async reset(key: string): Promise<void> {
    await this.failures.deleteOne({ _id: key });
  }
}

/**
 * A throttle whose stored keys are HMACs of the keys asked for (issue 20): the keys name
 * an email address and a client address, personal data that has no place in a file of
 * counters. The caller keeps working with the keys it gave.
 */
export class KeyHashingThrottle implements LoginThrottle {
  constructor(
    private readonly inner: LoginThrottle,
    private readonly hash: (key: string) => string,
  ) {}

  async reserve(keys: ThrottleKey[], now: number): Promise<Reservation> {
    const reservation = await this.inner.reserve(keys.map((k) => ({ ...k, key: this.hash(k.key) })), now);
    return reservation.granted ? { granted: true, keys: keys.map((k) => k.key) } : reservation;
  }

  release(keys: string[]): Promise<void> {
    return this.inner.release(keys.map(this.hash));
  }

  reset(key: string): Promise<void> {
    return this.inner.reset(this.hash(key));
  }

}
