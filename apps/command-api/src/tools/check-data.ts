import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { earliestBreak, logPositionGaps, verifyChains } from '#event-store';
import type { RecordedEvent } from '#event-store';
import { toRecorded } from '#event-store';

/**
 * `npm run check-data`: checks the embedded default's data offline, without starting the
 * service: SQLite's own integrity check of every database in DATA_DIR, then the event
 * log's hash chains and the density of its positions (a missing position is a deleted
 * event). Read-only; exits 0 when everything holds, 1 otherwise, 2 when there is nothing
 * to check.
 */
type Row = Parameters<typeof toRecorded>[0];

function integrity(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).filter((line) => line !== 'ok');
  } finally {
    db.close();
  }
}

async function main(): Promise<number> {
  const dataDir = resolve(process.env.DATA_DIR ?? './data');
  const log = join(dataDir, 'events.db');
  if (!existsSync(log)) {
    process.stdout.write(`No event log at ${log} (set DATA_DIR to the service's data directory).\n`);
    return 2;
  }
  let problems = 0;
  for (const name of ['events.db', 'audit.db', 'sessions.db', 'reactors.db', 'sso.db']) {
    const file = join(dataDir, name);
    if (!existsSync(file)) continue;
    let found: string[];
    try {
      found = integrity(file);
    } catch (error) {
      found = [error instanceof Error ? error.message : String(error)];
    }
    problems += found.length;
    process.stdout.write(found.length ? `${name}: DAMAGED\n${found.slice(0, 20).map((l) => `  ${l}`).join('\n')}\n` : `${name}: integrity ok\n`);
  }

  const gaps = logPositionGaps();
  let chains: Awaited<ReturnType<typeof verifyChains>>;
  try {
    const db = new Database(log, { readonly: true, fileMustExist: true });
    const rows = db.prepare<[], Row>('SELECT * FROM events ORDER BY position').iterate();
    async function* events(): AsyncIterable<RecordedEvent> {
      for (const row of rows) {
        const event = toRecorded(row);
        gaps.see(event);
        yield event;
      }
    }
    chains = await verifyChains(events());
    db.close();
  } catch (error) {
    process.stdout.write(`events.db: the log could not be read to the end: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const b = earliestBreak(chains.firstBreak, gaps.first);
  if (b) {
    problems++;
    process.stdout.write(`events.db: hash chains BROKEN at position ${b.position} (stream ${b.streamName}, revision ${b.revision}): ${b.reason}\n`);
  } else process.stdout.write(`events.db: ${chains.checked} events in ${chains.streams} streams, hash chains intact, no position missing\n`);
  process.stdout.write(problems ? 'Problems found: restore the damaged file from your last backup of the data directory.\n' : 'All data checks passed.\n');
  return problems ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`check-data failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
