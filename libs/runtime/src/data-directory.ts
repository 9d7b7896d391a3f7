import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data directory holds the event log, sessions, the audit log, logos and the
 * sealing key: nothing in it is for other local users. New files are created private
 * (umask 077, so SQLite's -wal and -shm files and the outbox's mail follow), and a
 * directory made by an older version is tightened at start: 0700 for directories,
 * 0600 for files.
 */
export function secureDataDirectory(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  tighten(dataDir, 0);
}

function tighten(path: string, depth: number): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
    // The tree is shallow (blobs/, outbox/); a bound keeps a misconfigured DATA_DIR=/ harmless.
    if (depth < 3) for (const entry of readdirSync(path)) tighten(join(path, entry), depth + 1);
  } else if (stat.isFile() && (stat.mode & 0o077) !== 0) {
    chmodSync(path, stat.mode & 0o700);
  }
}
