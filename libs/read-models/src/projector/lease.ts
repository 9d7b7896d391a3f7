import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { CollectionWriteOp, ReadStore } from '../read-store.port.js';

export const LEASES = 'processor_leases';

/** The lease of the log processors that write (projector, audit log, setup mail): one holder at a time. */
export const PROCESSORS_LEASE = 'log-processors';

export type LeaseDocument = {
  _id: string;
  /** Who holds it: one process (host, pid and a random part, so two services in one process differ). */
  owner: string;
  /** The host name and pid namespace its pid belongs to. */
  host: string;
  pid: number;
  /** The fencing token: grows by one at every acquisition, so a deposed holder's writes are refused. */
  token: number;
  /** Milliseconds since the epoch; past it, anyone may take the lease. */
  expiresAt: number;
};

/** A write of a holder that has lost its lease (another process acquired it since). */
export class LeaseLostError extends Error {
  constructor(name: string) {
    super(`the ${name} lease is held by another process now`);
    this.name = 'LeaseLostError';
  }
}

export interface LeaseOptions {
  /** How long an acquisition or renewal holds without another renewal (default 10 s). */
  ttlMs?: number;
  now?: () => number;
  /** Whether a process of this host still runs (a dead one's lease is free at once). */
  isAlive?: (pid: number) => boolean;
}

const isDuplicate = (error: unknown): boolean => (error as { code?: unknown })?.code === 11000;

/**
 * Where a pid means this process's pid: the host name and, on Linux, the pid namespace
 * (containers may share a host name, as in a compose file with `hostname:` set, while
 * each has its own pids). Only a holder of the same place may be judged dead by its pid.
 */
function pidPlace(): string {
  try {
    return `${hostname()}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return hostname();
  }
}
const PLACE = pidPlace();

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process at a time runs the log processors that write (the projector, the audit
 * log, the setup mail): they hold this lease, a document in the read store with an
 * expiry and a fencing token. The holder renews it; a standby tries to acquire it and
 * takes over once it expires (or at once when the holder was a process of this host
 * that no longer runs: a kill -9 on one machine does not cost a lease's lifetime). Each
 * projector batch carries `fence()`, a write that fails when the token is no longer the
 * holder's, so a holder that paused past its expiry (a long GC, a frozen VM) and woke up
 * after a takeover cannot write a stale batch over the new holder's.
 */
export class ReadStoreLease {
  readonly owner = `${PLACE}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private token: number | null = null;
  private heldUntil = 0;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly isAlive: (pid: number) => boolean;

  constructor(
    private readonly readStore: ReadStore,
    readonly name: string,
    options: LeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.isAlive = options.isAlive ?? processIsAlive;
  }

  private get leases() {
    return this.readStore.collection<LeaseDocument>(LEASES);
  }

  /** True while this process holds the lease by its own clock (with a margin for the next renewal). */
  held(): boolean {
    return this.token !== null && this.now() < this.heldUntil;
  }

  /** The fencing token of this holder, or null. */
  fencingToken(): number | null {
    return this.token;
  }

  /**
   * Acquires the lease if it is free: never held, expired, released, or held by a
   * process of this host that has exited. True when this process holds it now.
   */
  async tryAcquire(): Promise<boolean> {
    if (this.held()) return true;
    const now = this.now();
    const current = await this.leases.findOne({ _id: this.name });
    const free = !current || current.expiresAt <= now || current.owner === this.owner || (current.host === PLACE && !this.isAlive(current.pid));
    if (!free) return false;
    // Compare and swap on what was seen (no document, or its token): of two standbys
    // acquiring at once, one wins and the other's write matches nothing or is a duplicate.
    const token = (current?.token ?? 0) + 1;
    const lease: LeaseDocument = { _id: this.name, owner: this.owner, host: PLACE, pid: process.pid, token, expiresAt: now + this.ttlMs };
    try {
      if (!current) await this.leases.bulkWrite([{ insertOne: { document: lease } }]);
      else {
        const { _id, ...fields } = lease;
        if ((await this.leases.updateOne({ _id, token: current.token }, { $set: fields })).matchedCount === 0) return false;
      }
    } catch (error) {
      if (isDuplicate(error)) return false;
      throw error;
    }
    this.token = token;
    this.heldUntil = now + this.ttlMs;
    return true;
  }

  /** Extends the holder's lease. False (and no longer held) when another process took it. */
  async renew(): Promise<boolean> {
    if (this.token === null) return false;
    const now = this.now();
    const result = await this.leases.updateOne({ _id: this.name, owner: this.owner, token: this.token }, { $set: { expiresAt: now + this.ttlMs } });
    if (result.matchedCount === 1) {
      this.heldUntil = now + this.ttlMs;
      return true;
    }
    this.token = null;
    return false;
  }

  /**
   * The write each of the holder's batches carries: it extends the lease when the token
   * is still this holder's, and otherwise tries to insert a second lease document with
   * the same id, which the store refuses (a duplicate key), failing the whole batch.
   */
  fence(): CollectionWriteOp {
    if (this.token === null) throw new LeaseLostError(this.name);
    return { collection: LEASES, updateOne: { filter: { _id: this.name, owner: this.owner, token: this.token }, update: { $set: { expiresAt: this.now() + this.ttlMs } }, upsert: true } };
  }

  /** Gives the lease up (a graceful stop), so a standby takes over without waiting for the expiry. */
  async release(): Promise<void> {
    if (this.token === null) return;
    const token = this.token;
    this.token = null;
    await this.leases.updateOne({ _id: this.name, owner: this.owner, token }, { $set: { expiresAt: 0 } }).catch(() => {});
  }

  /** Who holds the lease now, as stored (for health). */
  async holder(): Promise<Pick<LeaseDocument, 'owner' | 'token' | 'expiresAt'> | null> {
    const doc = await this.leases.findOne({ _id: this.name });
    return doc && doc.expiresAt > this.now() ? { owner: doc.owner, token: doc.token, expiresAt: doc.expiresAt } : null;
  }
}

/** A batch write refused by the fence (the lease document's duplicate id). */
export function isFenceRefusal(error: unknown): boolean {
  return isDuplicate(error) && String((error as Error).message).includes(LEASES);
}
