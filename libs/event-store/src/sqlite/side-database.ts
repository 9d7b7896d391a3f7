import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { enableWriteAheadLog } from './write-ahead-log.js';

/**
 * Opens one of the SQLite files kept beside the event log in the embedded default
 * (sessions, sign-in windows, reactor progress, the audit log and read models). WAL with synchronous=NORMAL survives a killed
 * process; a power cut may lose the last few writes, which for these files means a
 * user signs in again or a mail goes out twice. The event log itself stays FULL.
 */
export function openSideDatabase(filename: string, options: { pageSize?: number } = {}): Database.Database {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const db = new Database(filename);
  // A page size takes effect only on a new file, before its first table.
  if (options.pageSize) db.pragma(`page_size = ${options.pageSize}`);
  enableWriteAheadLog(db);
  db.pragma('synchronous = NORMAL');
  return db;
}
