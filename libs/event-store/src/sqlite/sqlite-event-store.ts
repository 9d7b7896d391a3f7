import Database from 'better-sqlite3';
import { closeSync, fdatasync, mkdirSync, openSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  expectedRevisionHolds,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
  type Subscription,
} from '../event-store.port.js';
import { pollingSubscription, Signal } from '../subscription.js';
import { isStorageErrorCode } from '../storage-errors.js';
import { enableWriteAheadLog } from './write-ahead-log.js';

export type SqliteSynchronous = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export interface SqliteEventStoreOptions {
  /** File path, or ':memory:' for tests. */
  filename: string;
  /**
   * FULL (default): an acknowledged append survives power loss as well as `kill -9`.
   * It is implemented as "commit, then fdatasync the WAL off the event loop, then
   * acknowledge" (see `flush`), which gives FULL's guarantee without blocking the
   * event loop on the disk. NORMAL in WAL mode still survives a killed process, but
   * not a lost machine. EXTRA is passed to SQLite as it is.
   */
  synchronous?: SqliteSynchronous;
  /** How the WAL is synced (node's `fdatasync`); a test passes its own to hold the sync and look. */
  fdatasync?: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;
}

interface Row {
  position: number;
  stream_name: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

interface PendingAppend {
  streamName: string;
  events: EventToAppend[];
  expectedRevision: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * A data file that cannot be used as it is (not a database, cut short, damaged): the
 * message says which file, what is wrong and what to do, since a raw SQLite stack trace
 * tells an operator none of that.
 */
/**
 * better-sqlite3's native module could not be loaded: built for another Node.js version
 * (NODE_MODULE_VERSION), or missing. Nothing is wrong with the data files, so this must
 * not read like a damaged log.
 */
export class NativeModuleError extends Error {
  constructor(cause: unknown) {
    super(
      [
        `The SQLite driver (better-sqlite3) could not be loaded by Node.js ${process.version}: ${cause instanceof Error ? cause.message.split('\n').slice(0, 3).join(' ') : String(cause)}`,
        'The data files are not at fault. Rebuild the driver for this Node.js: npm rebuild better-sqlite3 (or npm ci).',
      ].join('\n'),
    );
    this.name = 'NativeModuleError';
  }
}

/** Whether an error opening a database is the driver's native module failing to load. */
export function isNativeModuleFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return (error as { code?: unknown })?.code === 'ERR_DLOPEN_FAILED' || /NODE_MODULE_VERSION|Could not locate the bindings file|better_sqlite3\.node/.test(message);
}

export class DataFileError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly filename: string,
    cause: unknown,
  ) {
    const code = (cause as { code?: string }).code;
    const what =
      code === 'SQLITE_NOTADB'
        ? 'is not an SQLite database (it was overwritten, or is not the file the service wrote)'
        : code === 'SQLITE_CORRUPT' || code?.startsWith('SQLITE_IOERR')
          ? 'is damaged or cut short (database disk image is malformed)'
          : code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM'
            ? 'cannot be opened for writing (check its owner and permissions)'
            : `cannot be read (${cause instanceof Error ? cause.message : String(cause)})`;
    super(
      [
        `The event log ${filename} ${what}.`,
        'Every organization, member and audit entry is in this file: do not delete it; the read models are rebuilt from it.',
        'Check it with: npm run check-data   (or: sqlite3 ' + filename + ' "PRAGMA integrity_check")',
        `Restore it from your last backup of ${dirname(filename)} (a file-system snapshot, or a copy made with sqlite3 .backup while the service ran);`,
        'the service keeps no backups of its own. Keep the damaged file aside for investigation, then start again.',
      ].join('\n'),
    );
    this.name = 'DataFileError';
    this.code = code;
  }
}

export const toRecorded = (row: Row): RecordedEvent => ({
  id: row.event_id,
  type: row.type,
  data: JSON.parse(row.data),
  metadata: JSON.parse(row.metadata),
  streamName: row.stream_name,
  revision: row.revision,
  position: row.position,
  recordedAt: row.recorded_at,
});

/**
 * The embedded event store: one SQLite file in WAL mode.
 *
 * Appends are group-committed: every append requested in the same turn of the event
 * loop goes into one transaction, so one fsync serves many concurrent callers. Each
 * append is still checked on its own (expected revision, idempotency) inside a
 * savepoint, so one conflicting append never fails or half-writes its neighbours.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly appended = new Signal();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  /** FULL done by this class: SQLite commits with NORMAL and the WAL is synced here before appends are acknowledged. */
  private readonly syncsWal: boolean;
  private walFd: number | null = null;
  private readonly walPath: string;
  /** The last position known to be on disk: readers of the log (projector, audit, mail) never see past it. */
  private durableHead: number;
  private readonly syncing = new Set<Promise<void>>();
  /** Set while this store's last sync failed: its committed frames are not on disk. */
  private unsyncedCommits = false;
  private readonly syncWal: NonNullable<SqliteEventStoreOptions['fdatasync']>;

  private readonly stmts;
  private readonly commitBatch: (batch: PendingAppend[]) => (AppendResult | Error)[];

  private readonly filename: string;

  constructor(options: SqliteEventStoreOptions) {
    this.filename = options.filename;
    if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true });
    try {
      this.db = new Database(options.filename);
      // Reads the header and the schema: a file that is not a database, or one cut short, fails here.
      this.db.pragma('schema_version');
    } catch (error) {
      if (isNativeModuleFailure(error)) throw new NativeModuleError(error);
      throw new DataFileError(options.filename, error);
    }
    enableWriteAheadLog(this.db);
    const synchronous = options.synchronous ?? 'FULL';
    this.syncsWal = synchronous === 'FULL' && options.filename !== ':memory:';
    this.walPath = `${options.filename}-wal`;
    this.syncWal = options.fdatasync ?? fdatasync;
    this.db.pragma(`synchronous = ${this.syncsWal ? 'NORMAL' : synchronous}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position    INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_name TEXT    NOT NULL,
        revision    INTEGER NOT NULL,
        event_id    TEXT    NOT NULL,
        type        TEXT    NOT NULL,
        data        TEXT    NOT NULL,
        metadata    TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL,
        UNIQUE (stream_name, revision),
        UNIQUE (stream_name, event_id)
      );
    `);
    this.stmts = {
      currentRevision: this.db.prepare<[string], { revision: number | null }>(
        'SELECT MAX(revision) AS revision FROM events WHERE stream_name = ?',
      ),
      findById: this.db.prepare<[string, string], { revision: number; position: number }>(
        'SELECT revision, position FROM events WHERE stream_name = ? AND event_id = ?',
      ),
      idsFrom: this.db.prepare<[string, number, number], { event_id: string; position: number }>(
        'SELECT event_id, position FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      insert: this.db.prepare(
        'INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      readStream: this.db.prepare<[string, number], Row>(
        'SELECT * FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision',
      ),
      readAll: this.db.prepare<[number, number, number], Row>('SELECT * FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?'),
      head: this.db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    };
    // What is in the file at open is on disk (or was recovered from it).
    try {
      this.durableHead = this.stmts.head.get()?.position ?? 0;
    } catch (error) {
      throw new DataFileError(options.filename, error);
    }

    const appendOne = this.db.transaction((pending: PendingAppend): AppendResult => this.appendInTransaction(pending));
    const commit = this.db.transaction((batch: PendingAppend[]) =>
      batch.map((pending) => {
        try {
          // A nested better-sqlite3 transaction is a SAVEPOINT: a failure rolls back this append only.
          return appendOne(pending);
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
    // BEGIN IMMEDIATE: the write lock is taken first, waiting (busy_timeout) while another
    // process appends. A deferred transaction reads the stream's revision first, and when
    // another process commits meanwhile, its upgrade to a writer fails at once with
    // SQLITE_BUSY: the busy timeout does not apply to a read snapshot gone stale.
    this.commitBatch = (batch) => commit.immediate(batch);
  }

  append(streamName: string, events: EventToAppend[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('Event store is closed'));
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise((resolve, reject) => {
      this.queue.push({ streamName, events, expectedRevision: options.expectedRevision ?? 'any', resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private writeError: { code: string | null; message: string; at: string } | null = null;

  /** The last write's failure, if none has succeeded since. */
  lastWriteError() {
    return this.writeError;
  }

  /**
   * Re-checks a remembered failure by writing and syncing a small file beside the log:
   * once the disk has room again, health says so before the next command writes.
   */
  recheckWrites(): void {
    if (this.writeError && this.filename !== ':memory:') {
      const probe = `${this.filename}.probe`;
      try {
        writeFileSync(probe, Buffer.alloc(64 * 1024), { flush: true });
        unlinkSync(probe);
        this.writeError = null;
      } catch {
        rmSync(probe, { force: true });
      }
    }
  }

  /** Remembers a storage failure for health, or clears it once a write succeeds again. */
  private noteWrite(error: unknown): void {
    if (!error) {
      this.writeError = null;
      return;
    }
    const code = (error as { code?: unknown }).code;
    if (isStorageErrorCode(code))
      this.writeError = { code, message: error instanceof Error ? error.message : String(error), at: new Date().toISOString() };
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let results: (AppendResult | Error)[];
    try {
      results = this.commitBatch(batch);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch was written.
      this.noteWrite(error);
      for (const pending of batch) pending.reject(error);
      return;
    }
    // A storage error inside one append (its savepoint rolled back) counts as well.
    for (const result of results) if (result instanceof Error) this.noteWrite(result);
    // The batch's last position, from its own results: no query needed.
    const head = results.reduce((max, r) => (r instanceof Error ? max : Math.max(max, r.position)), this.durableHead);
    const acknowledge = (error?: unknown) => {
      // A failed sync leaves committed frames that are not durable: readers must not see
      // them (visibleHead) until a later sync, which covers every earlier frame, succeeds.
      this.unsyncedCommits = Boolean(error);
      if (error) this.noteWrite(error);
      else if (results.some((r) => !(r instanceof Error))) this.noteWrite(null);
      if (!error) this.durableHead = Math.max(this.durableHead, head);
      batch.forEach((pending, i) => {
        const result = results[i];
        if (error) pending.reject(error);
        else if (result instanceof Error) pending.reject(result);
        else pending.resolve(result);
      });
      this.appended.notify();
    };
    if (!this.syncsWal) return acknowledge();
    // The commit is in the WAL (in the OS cache); fdatasync runs on libuv's thread pool,
    // so the event loop serves other requests meanwhile and the next batch commits while
    // this one syncs. An fdatasync covers every frame written before it began: this
    // batch's and any earlier one's. Nothing is acknowledged, and no reader of the log
    // sees it, before it is on disk.
    const synced = new Promise<void>((done) => {
      try {
        this.walFd ??= openSync(this.walPath, 'r');
      } catch (error) {
        acknowledge(error);
        return done();
      }
      this.syncWal(this.walFd, (error) => {
        acknowledge(error ?? undefined);
        done();
      });
    });
    this.syncing.add(synced);
    void synced.then(() => this.syncing.delete(synced));
  }

  private appendInTransaction({ streamName, events, expectedRevision }: PendingAppend): AppendResult {
    const current = this.stmts.currentRevision.get(streamName)?.revision ?? -1;

    // Idempotency: the same event ids at the same expected revision are a no-op that
    // answers like the first append did.
    const first = this.stmts.findById.get(streamName, events[0].id);
    if (first) {
      const stored = this.stmts.idsFrom.all(streamName, first.revision, events.length);
      const sameBatch = stored.length === events.length && stored.every((row, i) => row.event_id === events[i].id);
      const sameExpectation = expectedRevisionHolds(expectedRevision, first.revision - 1);
      if (sameBatch && sameExpectation)
        return { nextRevision: first.revision + events.length - 1, position: stored[stored.length - 1].position };
      throw new WrongExpectedRevisionError(streamName, expectedRevision, current === -1 ? 'no_stream' : current);
    }

    if (!expectedRevisionHolds(expectedRevision, current))
      throw new WrongExpectedRevisionError(streamName, expectedRevision, current === -1 ? 'no_stream' : current);

    const recordedAt = new Date().toISOString();
    let revision = current;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const info = this.stmts.insert.run(
        streamName,
        revision,
        event.id,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        recordedAt,
      );
      position = Number(info.lastInsertRowid);
    }
    return { nextRevision: revision, position };
  }

  async readStream(streamName: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return this.stmts.readStream.all(streamName, options.fromRevision ?? 0).map(toRecorded);
  }

  async *readAll(options: { after?: number; batchSize?: number } = {}): AsyncIterable<RecordedEvent> {
    const batchSize = options.batchSize ?? 1000;
    let after = options.after ?? 0;
    for (;;) {
      // Paged reads rather than one open iterator: the connection stays free for appends.
      const rows = this.stmts.readAll.all(after, this.visibleHead(), batchSize);
      for (const row of rows) yield toRecorded(row);
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1].position;
    }
  }

  /** Raw page read for callers that parse lazily (the projector's rebuild path). */
  readAllPage(after: number, limit: number): RecordedEvent[] {
    return this.stmts.readAll.all(after, this.visibleHead(), limit).map(toRecorded);
  }

  subscribeToAll(options: { after?: number } = {}): Subscription {
    return pollingSubscription({
      after: options.after ?? 0,
      readPage: async (after) => this.readAllPage(after, 500),
      signal: this.appended,
      // Another process's appends (API replicas on one data directory) wake no signal here.
      pollMs: 100,
    });
  }

  /** The last position on disk: what the log's readers can see. */
  async headPosition(): Promise<number> {
    return this.visibleHead();
  }

  /**
   * How far readers may read: this store's own appends once synced (FULL acknowledges
   * after the fdatasync), and, while none of its own is waiting for its sync, whatever
   * other processes have committed to the file (API replicas on one data directory).
   * Another process's commit can be seen in the moment between its commit and its own
   * sync; a power cut in that moment could lose an event a reader already saw.
   */
  private visibleHead(): number {
    if (this.syncing.size === 0 && !this.unsyncedCommits && !this.closed) {
      const head = this.stmts.head.get()?.position ?? 0;
      if (head > this.durableHead) this.durableHead = head;
    }
    return this.durableHead;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let appends already queued reach the disk before closing.
    if (this.queue.length) this.flush();
    await Promise.all(this.syncing);
    this.closed = true;
    this.appended.close();
    this.db.close();
    if (this.walFd !== null) closeSync(this.walFd);
  }
}
