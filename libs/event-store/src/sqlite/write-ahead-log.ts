import type Database from 'better-sqlite3';

/**
 * Puts a SQLite file in WAL mode, waiting out the other processes that open it at the
 * same moment.
 *
 * `PRAGMA journal_mode = WAL` on a connection that has not read the file yet first
 * takes a read lock, then upgrades it to a write lock to set the header. When another
 * process holds the write lock at that instant (it is converting the same new file),
 * SQLite answers SQLITE_BUSY at once instead of calling the busy handler, since waiting
 * while holding a read lock could deadlock. Two API processes and two projectors started
 * together on an empty data directory hit it in CI: a projector exited with "database is
 * locked". The pragma is retried from the start, holding no lock, until `timeoutMs`.
 */
export function enableWriteAheadLog(db: Database.Database, timeoutMs = 10_000): void {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      // Opening happens once at start, before any request: a synchronous wait is fine here.
      sleepSync(Math.min(5 * 2 ** attempt, 200) * (0.5 + Math.random()));
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
