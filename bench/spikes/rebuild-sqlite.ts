import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '#event-store';
import { ALL_PROJECTIONS, listMembers, MingoReadStore, ProjectionRunner, SqliteReadStore, type ReadStore } from '#read-models';
import { upcastRecorded } from '#runtime';
import { generateMembershipLog } from '../dataset.js';

/**
 * Issue 15: the read models rebuilt through the live path into the in-memory store (today)
 * and into SqliteReadStore, alternated, on a generated membership log; then the member
 * search of bench row 5 on each. `node dist/bench/spikes/rebuild-sqlite.js` (ORGS, MEMBERS).
 */
const ORGS = Number(process.env.ORGS ?? 2);
const MEMBERS = Number(process.env.MEMBERS ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'rebuild-sqlite-'));
const file = join(dir, 'events.db');
const dataset = generateMembershipLog(file, { organizations: ORGS, membersPerOrganization: MEMBERS, seed: 20261130 });

async function rebuild(store: ReadStore): Promise<{ eventsPerSecond: number; searchP50Ms: number; searchP99Ms: number }> {
  const events = new SqliteEventStore({ filename: file });
  const runner = new ProjectionRunner(events, store, ALL_PROJECTIONS, { upcast: upcastRecorded });
  const started = performance.now();
  await runner.start();
  await runner.catchUp(600_000);
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  await events.close();
  const times: number[] = [];
  for (const term of dataset.searchTerms.slice(0, 40)) {
    const t = performance.now();
    await listMembers(store, dataset.organizations[0], { search: term, page: 1, pageSize: 25 });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { eventsPerSecond: Math.round(dataset.events / seconds), searchP50Ms: Math.round(times[Math.floor(times.length / 2)] * 10) / 10, searchP99Ms: Math.round(times[times.length - 1] * 10) / 10 };
}

const results: Record<string, unknown[]> = { mingo: [], sqlite: [] };
for (let round = 0; round < 2; round++) {
  const memory = new MingoReadStore();
  results.mingo.push(await rebuild(memory));
  await memory.close();
  const sqlite = new SqliteReadStore(join(dir, `read-${round}.db`));
  results.sqlite.push(await rebuild(sqlite));
  await sqlite.close();
}
process.stdout.write(`${JSON.stringify({ events: dataset.events, organizations: ORGS, membersPerOrganization: MEMBERS, ...results }, null, 2)}\n`);
rmSync(dir, { recursive: true, force: true });
