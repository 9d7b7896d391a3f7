import type { Collection, MongoClient } from 'mongodb';

/**
 * Counts failed sign-ins per key (an account's email, a client IP) in fixed windows.
 * Once a key reaches its limit it is blocked until its window ends: the caller gets a
 * 429 with Retry-After, before any password is checked.
 */
export interface LoginThrottle {
  /** Seconds until the first blocked key frees up; 0 when none is blocked. */
  blockedFor(keys: { key: string; limit: number }[], now: number): Promise<number>;
  recordFailure(keys: string[], now: number): Promise<void>;
  reset(key: string): Promise<void>;
}

interface Window {
  count: number;
  startedAt: number;
}

export class MemoryLoginThrottle implements LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly windowMs: number) {}

  async blockedFor(keys: { key: string; limit: number }[], now: number): Promise<number> {
    let wait = 0;
    for (const { key, limit } of keys) {
      const window = this.current(key, now);
      if (window && window.count >= limit) wait = Math.max(wait, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
    }
    return wait;
  }

  async recordFailure(keys: string[], now: number): Promise<void> {
    if (this.windows.size > 100_000) for (const [key, w] of this.windows) if (w.startedAt + this.windowMs <= now) this.windows.delete(key);
    for (const key of keys) {
      const window = this.current(key, now);
      if (window) window.count += 1;
      else this.windows.set(key, { count: 1, startedAt: now });
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

/** The same counts shared by every replica, in MongoDB; expired windows are removed by a TTL index. */
export class MongoLoginThrottle implements LoginThrottle {
  private readonly failures: Collection<{ _id: string; count: number; startedAt: number; expiresAt: Date }>;

  constructor(client: MongoClient, dbName: string, private readonly windowMs: number) {
    this.failures = client.db(dbName).collection('login_failures');
  }

  async init(): Promise<void> {
    await this.failures.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  }

  async blockedFor(keys: { key: string; limit: number }[], now: number): Promise<number> {
    const docs = await this.failures.find({ _id: { $in: keys.map((k) => k.key) }, startedAt: { $gt: now - this.windowMs } }).toArray();
    let wait = 0;
    for (const doc of docs) {
      const limit = keys.find((k) => k.key === doc._id)!.limit;
      if (doc.count >= limit) wait = Math.max(wait, Math.ceil((doc.startedAt + this.windowMs - now) / 1000));
    }
    return wait;
  }

  async recordFailure(keys: string[], now: number): Promise<void> {
    for (const key of keys) {
      const counted = await this.failures.updateOne({ _id: key, startedAt: { $gt: now - this.windowMs } }, { $inc: { count: 1 } });
      if (counted.matchedCount === 0)
        await this.failures.replaceOne({ _id: key }, { count: 1, startedAt: now, expiresAt: new Date(now + this.windowMs) }, { upsert: true });
    }
  }

  async reset(key: string): Promise<void> {
    await this.failures.deleteOne({ _id: key });
  }
}
