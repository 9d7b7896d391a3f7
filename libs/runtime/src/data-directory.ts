import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data directory holds the event log, sessions, the audit log, logos and the
 * sealing key: nothing in it is for other local users. New files are created private
 * (umask 077, so SQLite's -wal and -shm files and the outbox's mail follow), and a
 * directory made by an older version is tightened at start: 0700 for directories,
 * 0600 for files.
 */
export function secureDataDirectory(dataDir: string, list: (path: string) => string[] = readdirSync): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  tighten(dataDir, 0, list);
}

function tighten(path: string, depth: number, list: (path: string) => string[]): void {
  // Another process on the same directory (a second API, the projector) may remove a
  // file between the listing and this look, SQLite's -journal above all: gone is fine.
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat || stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== 0o700) ignoreVanished(() => chmodSync(path, 0o700));
    // The tree is shallow (blobs/, outbox/); a bound keeps a misconfigured DATA_DIR=/ harmless.
    if (depth < 3) for (const entry of ignoreVanished(() => list(path)) ?? []) tighten(join(path, entry), depth + 1, list);
  } else if (stat.isFile() && (stat.mode & 0o077) !== 0) {
    ignoreVanished(() => chmodSync(path, stat.mode & 0o700));
  }
}

function ignoreVanished<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
