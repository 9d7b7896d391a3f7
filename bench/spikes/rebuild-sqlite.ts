import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '#event-store';
import { ALL_PROJECTIONS, listMembers, ProjectionRunner, SqliteReadStore } from '#read-models';
import { upcastRecorded } from '#runtime';
import { generateMembershipLog } from '../dataset.js';

/**
 * Issue 15: the read models built from the start into SqliteReadStore with the projector's
 * batch size as a candidate (BATCHES, comma-separated), alternated round by round, then the
 * member search of bench row 5 on each. `node dist/bench/spikes/rebuild-sqlite.js`
 * (ORGS, MEMBERS, BATCHES, ROUNDS).
 */
const ORGS = Number(process.env.ORGS ?? 2);
const MEMBERS = Number(process.env.MEMBERS ?? 50_000);
const BATCHES = (process.env.BATCHES ?? '2000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'rebuild-sqlite-'));
const file = join(dir, 'events.db');
const dataset = generateMembershipLog(file, { organizations: ORGS, membersPerOrganization: MEMBERS, seed: 20261130 });

async function rebuild(maxBatch: number, readFile: string): Promise<{ eventsPerSecond: number; searchP50Ms: number; searchP99Ms: number }> {
  const events = new SqliteEventStore({ filename: file });
  const store = new SqliteReadStore(readFile);
  const runner = new ProjectionRunner(events, store, ALL_PROJECTIONS, { upcast: upcastRecorded, maxBatch });
  const started = performance.now();
  await runner.start();
  await runner.catchUp(600_000);
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  await events.close();
  const times: number[] = [];
  // The first query loads the organization's search index; the next 200 are timed.
  await listMembers(store, dataset.organizations[0], { search: dataset.searchTerms[0], page: 1, pageSize: 25 });
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await listMembers(store, dataset.organizations[0], { search: dataset.searchTerms[i % dataset.searchTerms.length], page: 1, pageSize: 25 });
    times.push(performance.now() - t);
  }
  await store.close();
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] * 100) / 100;
  return { eventsPerSecond: Math.round(dataset.events / seconds), searchP50Ms: at(0.5), searchP99Ms: at(0.99) };
}

const results: Record<string, unknown[]> = Object.fromEntries(BATCHES.map((b) => [`batch ${b}`, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const batch of round % 2 ? [...BATCHES].reverse() : BATCHES) results[`batch ${batch}`].push(await rebuild(batch, join(dir, `read-${round}-${batch}.db`)));
process.stdout.write(`${JSON.stringify({ events: dataset.events, organizations: ORGS, membersPerOrganization: MEMBERS, ...results }, null, 2)}\n`);
rmSync(dir, { recursive: true, force: true });
