import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '#event-store';
import { ALL_PROJECTIONS, listMembers, ProjectionRunner, SqliteReadStore } from '#read-models';
import { upcastRecorded } from '#runtime';
import { generateMembershipLog } from '../dataset.js';

/**
 * Issue 15: memory of the member search index as organizations are searched one after
 * the other (the index keeps 200,000 entries, least recently used out). Prints RSS and the
 * live heap after a forced collection. `node --expose-gc dist/bench/spikes/search-memory.js`.
 */
const ORGS = Number(process.env.ORGS ?? 6);
const MEMBERS = Number(process.env.MEMBERS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'search-memory-'));
const dataset = generateMembershipLog(join(dir, 'events.db'), { organizations: ORGS, membersPerOrganization: MEMBERS, seed: 7 });
const events = new SqliteEventStore({ filename: join(dir, 'events.db') });
const store = new SqliteReadStore(join(dir, 'read.db'));
const runner = new ProjectionRunner(events, store, ALL_PROJECTIONS, { upcast: upcastRecorded, maxBatch: 10_000 });
await runner.start();
await runner.catchUp(600_000);
await runner.stop();
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (n: number) => Math.round(n / 1048576);
const report = (label: string) => {
  gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${label}: rss ${mib(m.rss)} MiB, heap used ${mib(m.heapUsed)} MiB, external ${mib(m.external)} MiB\n`);
};
report('built');
for (const org of dataset.organizations) {
  for (const term of dataset.searchTerms.slice(0, 5)) await listMembers(store, org, { search: term, page: 1, pageSize: 25 });
  report(`searched ${org.slice(0, 8)}`);
}
await store.close();
await events.close();
rmSync(dir, { recursive: true, force: true });
