import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastName, seeded } from '../dataset.js';

/**
 * Issue 15, "measure before choosing" the member search of a SQLite read store: a page of
 * 25 with a search term, sorted by last then first name, and the total, in one
 * organization of 100,000 members among several. Three candidates, alternated round by
 * round in one process (the machine's speed drifts):
 *   scan:   the organization's rows by index, LIKE '%term%' on name and email;
 *   fts:    an FTS5 trigram index per organization (contentless), joined to the rows;
 *   memory: a per-organization array of search strings in sort order, loaded from the
 *           table on first use, scanned with includes(); the 25 documents read by rowid;
 *   joined: the same strings joined into one, searched with indexOf.
 * `node dist/bench/spikes/member-search.js` (ORGS, MEMBERS, ROUNDS to change the sizes).
 */
const ORGS = Number(process.env.ORGS ?? 3);
const MEMBERS = Number(process.env.MEMBERS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const FIRST = ['Ada', 'Ben', 'Cleo', 'Dov', 'Ema', 'Finn', 'Gus', 'Hana', 'Ivo', 'June', 'Kai', 'Lena', 'Milo', 'Nia', 'Otto', 'Pia', 'Quin', 'Rosa', 'Sami', 'Tova'];

const dir = mkdtempSync(join(tmpdir(), 'member-search-'));
const db = new Database(join(dir, 'read.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE members (rowid INTEGER PRIMARY KEY, org TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, last_sort TEXT NOT NULL, first_sort TEXT NOT NULL, search TEXT NOT NULL, doc TEXT NOT NULL);`);

const random = seeded(7);
const organizations = Array.from({ length: ORGS }, () => randomUUID());
const terms = new Set<string>();
let started = performance.now();
const insert = db.prepare('INSERT INTO members (org, id, status, last_sort, first_sort, search, doc) VALUES (?, ?, ?, ?, ?, ?, ?)');
db.transaction(() => {
  for (const org of organizations)
    for (let i = 0; i < MEMBERS; i++) {
      const first = FIRST[Math.floor(random() * FIRST.length)];
      const last = lastName(random);
      const email = `${first}.${last}${i}@school.example`.toLowerCase();
      if (org === organizations[0] && terms.size < 200 && random() < 0.01) terms.add(last.slice(0, 6).toLowerCase());
      const status = random() < 0.05 ? 'deactivated' : 'active';
      const doc = { _id: randomUUID(), organizationId: org, firstName: first, lastName: last, email, roles: ['instructor'], status };
      insert.run(org, doc._id, status, last.toLowerCase(), first.toLowerCase(), `${first} ${last} ${email}`.toLowerCase(), JSON.stringify(doc));
    }
})();
db.exec('CREATE INDEX members_by_org ON members (org, last_sort, first_sort, id)');
const loadSeconds = (performance.now() - started) / 1000;

// One contentless trigram index per organization, built after the load (the bulk path).
started = performance.now();
const ftsName = (org: string) => `search_${org.replace(/-/g, '')}`;
for (const org of organizations) {
  db.exec(`CREATE VIRTUAL TABLE ${ftsName(org)} USING fts5(search, content='', tokenize='trigram')`);
  db.prepare(`INSERT INTO ${ftsName(org)} (rowid, search) SELECT rowid, search FROM members WHERE org = ?`).run(org);
}
const ftsBuildSeconds = (performance.now() - started) / 1000;

const org = organizations[0];
const scanPage = db.prepare(
  `SELECT doc FROM members WHERE org = @org AND status != 'deactivated' AND search LIKE @like ESCAPE '\\' ORDER BY last_sort, first_sort, id LIMIT 25`,
);
const scanCount = db.prepare(`SELECT count(*) AS n FROM members WHERE org = @org AND status != 'deactivated' AND search LIKE @like ESCAPE '\\'`);
const fts = ftsName(org);
const ftsPage = db.prepare(
  `SELECT m.doc FROM ${fts} f JOIN members m ON m.rowid = f.rowid WHERE ${fts} MATCH @match AND m.status != 'deactivated' ORDER BY m.last_sort, m.first_sort, m.id LIMIT 25`,
);
const ftsCount = db.prepare(`SELECT count(*) AS n FROM ${fts} f JOIN members m ON m.rowid = f.rowid WHERE ${fts} MATCH @match AND m.status != 'deactivated'`);

// The in-memory candidate: loaded once per organization, in sort order.
started = performance.now();
const memory = db.prepare(`SELECT rowid, search, status FROM members WHERE org = ? ORDER BY last_sort, first_sort, id`).all(org) as { rowid: number; search: string; status: string }[];
const rowids = Int32Array.from(memory.map((r) => r.rowid));
const haystacks = memory.map((r) => r.search);
const active = memory.map((r) => r.status !== 'deactivated');
// The same rows as one string (a separator no search contains), searched with indexOf:
// the engine's native substring search instead of 100,000 includes() calls.
const SEPARATOR = '\u0000';
const joined = haystacks.join(SEPARATOR) + SEPARATOR;
const offsets = new Int32Array(haystacks.length + 1);
for (let i = 0, at = 0; i < haystacks.length; i++) ((offsets[i] = at), (at += haystacks[i].length + 1));
offsets[haystacks.length] = joined.length;
const rowAt = (position: number) => {
  let lo = 0;
  let hi = haystacks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo;
};
const memoryLoadMs = performance.now() - started;
const byRowid = db.prepare('SELECT doc FROM members WHERE rowid = ?');

const like = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const candidates: Record<string, (term: string) => { items: number; total: number }> = {
  scan: (term) => ({ items: scanPage.all({ org, like: like(term) }).length, total: (scanCount.get({ org, like: like(term) }) as { n: number }).n }),
  fts: (term) => {
    const match = `"${term.replace(/"/g, '""')}"`;
    return { items: ftsPage.all({ match }).length, total: (ftsCount.get({ match }) as { n: number }).n };
  },
  memory: (term) => {
    const page: number[] = [];
    let total = 0;
    for (let i = 0; i < haystacks.length; i++)
      if (active[i] && haystacks[i].includes(term)) {
        if (page.length < 25) page.push(rowids[i]);
        total++;
      }
    return { items: page.map((rowid) => byRowid.get(rowid)).length, total };
  },
};

candidates.joined = (term) => {
  const page: number[] = [];
  let total = 0;
  for (let at = joined.indexOf(term); at !== -1; ) {
    const row = rowAt(at);
    if (active[row]) {
      if (page.length < 25) page.push(rowids[row]);
      total++;
    }
    // On to the next row: a row counts once however often the term is in it.
    at = joined.indexOf(term, offsets[row + 1]);
  }
  return { items: page.map((rowid) => byRowid.get(rowid)).length, total };
};

const timings: Record<string, number[]> = { scan: [], fts: [], memory: [], joined: [] };
const list = [...terms];
for (let round = 0; round < ROUNDS; round++)
  for (const name of round % 2 ? ['joined', 'memory', 'fts', 'scan'] : ['scan', 'fts', 'memory', 'joined'])
    for (const term of list) {
      const t = performance.now();
      const result = candidates[name](term);
      timings[name].push(performance.now() - t);
      if (result.total === 0) throw new Error(`${name} found nothing for ${term}`);
    }
// The three must agree.
for (const term of list.slice(0, 20)) {
  const [a, b, c, d] = ['scan', 'fts', 'memory', 'joined'].map((n) => candidates[n](term).total);
  if (a !== b || b !== c || c !== d) throw new Error(`totals differ for ${term}: ${a} ${b} ${c} ${d}`);
}
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
};
const report = Object.fromEntries(Object.entries(timings).map(([name, values]) => [name, { p50Ms: pct(values, 50), p99Ms: pct(values, 99), queries: values.length }]));
process.stdout.write(
  `${JSON.stringify({ organizations: ORGS, membersPerOrganization: MEMBERS, terms: list.length, loadSeconds: Math.round(loadSeconds * 10) / 10, ftsBuildSeconds: Math.round(ftsBuildSeconds * 10) / 10, memoryLoadMs: Math.round(memoryLoadMs), memoryRssMiB: Math.round(process.memoryUsage().rss / 2 ** 20), ...report }, null, 2)}\n`,
);
db.close();
rmSync(dir, { recursive: true, force: true });
