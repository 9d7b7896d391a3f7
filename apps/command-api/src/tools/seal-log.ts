import Database from 'better-sqlite3';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { erasedValue, personalFieldsOf, valueAt } from '#domain';
import { CHAIN_FIELDS, earliestBreak, logPositionGaps, SqliteEventStore, verifyChains, type EventToAppend, type RecordedEvent } from '#event-store';
import { isSealed, PersonalDataVault, SecretBox } from '#runtime';
import { SqliteKeyStore } from '#side-stores';
import { sealChain } from '../shared/write/event-envelope.js';

/**
 * `npm run seal-log -- --to <new data directory> [--dry-run]` (DATA_DIR: the data
 * directory to copy, of a stopped service). Brings events written before personal data
 * was sealed (issue 20) under erasure: a copy-and-transform of the embedded default's log
 * into a new data directory, never a rewrite in place.
 *
 * 1. The source's hash chains and positions are verified; a damaged log is not copied.
 * 2. Each event is copied in log order, with the same id, type, stream, revision and
 *    position; its personal values in clear are sealed under their people's keys (values
 *    already sealed stay as they are), and each stream's chain is computed again over what
 *    is now stored (the old hashes covered values in clear).
 * 3. The copy is verified: its chains and positions hold, it has every event, each one
 *    reads (opened) exactly as the source's did, and no personal value is left in clear.
 *
 * Beside the log it copies what the new directory needs: the secrets key, the keys
 * already made, the sessions, the reactors' checkpoints (the positions are the same, so no
 * mail goes out twice) and the files (logos). The read models and the audit log are
 * rebuilt from the copy at its first start. Sign-in counters and the outbox are left
 * behind. The old directory still holds everything in clear: the operator destroys it,
 * and its backups, once the new one runs (docs/architecture.md, "Personal data").
 */
export interface SealLogReport {
  events: number;
  streams: number;
  /** Personal values found in clear, by event type. */
  clearValues: Record<string, number>;
  /** Written and verified; false on a dry run or a refusal. */
  copied: boolean;
  problems: string[];
}

type Log = (line: string) => void;

/** The side files copied as they are (each a SQLite file: copied with VACUUM INTO, so no free page and no WAL go along). */
const SQLITE_COPIED = ['keys.db', 'sessions.db', 'reactors.db'];

export async function sealLog(options: { from: string; to: string | null; dryRun: boolean; secretsKey?: string | null; log?: Log }): Promise<SealLogReport> {
  const log = options.log ?? (() => {});
  const report: SealLogReport = { events: 0, streams: 0, clearValues: {}, copied: false, problems: [] };
  const sourceFile = join(options.from, 'events.db');
  if (!existsSync(sourceFile)) return refuse(report, `no event log at ${sourceFile}`);
  const source = new SqliteEventStore({ filename: sourceFile });
  try {
    // 1. The source as it is: intact, and what it holds in clear.
    const gaps = logPositionGaps();
    const streams = new Set<string>();
    async function* counted(): AsyncIterable<RecordedEvent> {
      for await (const event of source.readAll({ batchSize: 2000 })) {
        gaps.see(event);
        streams.add(event.streamName);
        for (const field of personalFieldsOf(event))
          if (!isSealed(valueAt(field.in === 'data' ? event.data : event.metadata, field.path))) report.clearValues[event.type] = (report.clearValues[event.type] ?? 0) + 1;
        yield event;
      }
    }
    const chains = await verifyChains(counted());
    report.events = chains.checked;
    report.streams = streams.size;
    const broken = earliestBreak(chains.firstBreak, gaps.first);
    if (broken) return refuse(report, `the source log is damaged at position ${broken.position} (${broken.reason}); run npm run check-data`);
    const clear = Object.values(report.clearValues).reduce((a, b) => a + b, 0);
    log(`${report.events} events in ${report.streams} streams, chains intact; ${clear} personal values in clear`);
    for (const [type, n] of Object.entries(report.clearValues).sort()) log(`  ${type}: ${n}`);
    if (options.dryRun || !options.to) {
      log('dry run: nothing written');
      return report;
    }

    // 2. The copy.
    const to = resolve(options.to);
    if (existsSync(to) && readdirSync(to).length > 0) return refuse(report, `${to} is not empty: the copy goes to a new data directory`);
    mkdirSync(to, { recursive: true, mode: 0o700 });
    if (existsSync(join(options.from, 'secret.key'))) cpSync(join(options.from, 'secret.key'), join(to, 'secret.key'));
    if (existsSync(join(options.from, 'blobs'))) cpSync(join(options.from, 'blobs'), join(to, 'blobs'), { recursive: true });
    for (const name of SQLITE_COPIED) {
      if (!existsSync(join(options.from, name))) continue;
      const db = new Database(join(options.from, name), { readonly: true, fileMustExist: true });
      db.prepare('VACUUM INTO ?').run(join(to, name));
      db.close();
    }
    const box = SecretBox.load({ envKey: options.secretsKey ?? null, keyFile: join(to, 'secret.key') });
    const keys = new SqliteKeyStore(join(to, 'keys.db'));
    const vault = new PersonalDataVault(keys, box);
    const target = new SqliteEventStore({ filename: join(to, 'events.db') });
    try {
      const heads = new Map<string, { revision: number; hash: string | null }>();
      let run: RecordedEvent[] = [];
      const flush = async () => {
        if (run.length === 0) return;
        const streamName = run[0].streamName;
        const head = heads.get(streamName) ?? { revision: -1, hash: null };
        const events: EventToAppend[] = run.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: withoutChain(e.metadata) }));
        await vault.seal(events, { onlyClear: true });
        const hash = sealChain(streamName, head.revision + 1, events, head.hash);
        await target.append(streamName, events, { expectedRevision: head.revision === -1 ? 'no_stream' : head.revision });
        heads.set(streamName, { revision: head.revision + events.length, hash });
        run = [];
      };
      // Runs of one stream go in one append: the positions stay those of the source.
      for await (const event of source.readAll({ batchSize: 2000 })) {
        if (run.length > 0 && (run[0].streamName !== event.streamName || run.length >= 500)) await flush();
        run.push(event);
      }
      await flush();
      log(`copied ${report.events} events to ${join(to, 'events.db')}`);

      // 3. The verification.
      const problems = await verifyCopy(source, target, vault);
      report.problems.push(...problems);
      report.copied = problems.length === 0;
      log(report.copied ? 'verified: chains intact, every event as in the source, no personal value in clear' : `verification FAILED:\n  ${problems.join('\n  ')}`);
      return report;
    } finally {
      await target.close();
      await keys.close();
    }
  } finally {
    await source.close();
  }
}

function refuse(report: SealLogReport, problem: string): SealLogReport {
  report.problems.push(problem);
  return report;
}

const withoutChain = (metadata: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(metadata).filter(([k]) => !(CHAIN_FIELDS as readonly string[]).includes(k)));

/** The copy against its source, event by event (at most 20 problems are listed). */
async function verifyCopy(source: SqliteEventStore, target: SqliteEventStore, vault: PersonalDataVault): Promise<string[]> {
  const problems: string[] = [];
  const gaps = logPositionGaps();
  async function* seen(): AsyncIterable<RecordedEvent> {
    for await (const event of target.readAll({ batchSize: 2000 })) {
      gaps.see(event);
      yield event;
    }
  }
  const chains = await verifyChains(seen());
  const broken = earliestBreak(chains.firstBreak, gaps.first);
  if (broken) problems.push(`the copy's chain breaks at position ${broken.position} (${broken.reason})`);

  const expected = source.readAll({ batchSize: 500 })[Symbol.asyncIterator]();
  let batch: RecordedEvent[] = [];
  const same = (e: RecordedEvent) => JSON.stringify({ id: e.id, type: e.type, streamName: e.streamName, revision: e.revision, position: e.position, data: e.data, metadata: withoutChain(e.metadata) });
  const compare = async () => {
    const originals: RecordedEvent[] = [];
    for (let i = 0; i < batch.length; i++) {
      const next = await expected.next();
      if (next.done) break;
      originals.push(next.value);
    }
    // Both opened: values the source had sealed already open with the keys copied along.
    const [copies, sources] = await Promise.all([vault.open(batch), vault.open(originals)]);
    for (let i = 0; i < batch.length && problems.length < 20; i++) {
      const stored = batch[i];
      const source = sources[i] ? structuredClone(sources[i]) : undefined;
      for (const field of personalFieldsOf(stored)) {
        const value = valueAt(field.in === 'data' ? stored.data : stored.metadata, field.path);
        if (field.subject === null || isSealed(value)) continue;
        // A person erased since: their values in clear were written in their erased form, as they read from now on.
        const erased = erasedValue(field.kind, vault.keyIdOf(field.subject));
        if (JSON.stringify(value) === JSON.stringify(erased)) {
          if (source) setAt(field.in === 'data' ? source.data : source.metadata, field.path, erased);
        } else problems.push(`position ${stored.position}: ${field.path.join('.')} is in clear`);
      }
      if (!source) problems.push(`position ${stored.position}: not in the source`);
      else if (same(copies[i]) !== same(source)) problems.push(`position ${stored.position}: reads otherwise than in the source`);
    }
    batch = [];
  };
  for await (const event of target.readAll({ batchSize: 500 })) {
    batch.push(event);
    if (batch.length >= 500) await compare();
  }
  await compare();
  if (!(await expected.next()).done) problems.push('the copy has fewer events than the source');
  return problems.slice(0, 20);
}

function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = root;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const toAt = args.indexOf('--to');
  const to = toAt >= 0 ? (args[toAt + 1] ?? null) : null;
  if (!dryRun && !to) {
    process.stdout.write('usage: DATA_DIR=<stopped service\'s data directory> npm run seal-log -- --to <new data directory> [--dry-run]\n');
    return 2;
  }
  const report = await sealLog({ from: resolve(process.env.DATA_DIR ?? './data'), to, dryRun, secretsKey: process.env.SECRETS_KEY ?? null, log: (line) => process.stdout.write(`${line}\n`) });
  for (const problem of report.problems) process.stdout.write(`${problem}\n`);
  return report.problems.length > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
