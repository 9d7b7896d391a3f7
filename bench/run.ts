/**
 * `npm run bench [-- --quick]`: the service measured against the physical limits it is
 * bounded by. Every figure is measured in the same run as its baseline, so the ratio
 * holds on a noisy machine. Prints a markdown table and writes bench/last-run.json
 * (bench/last-run.quick.json for --quick). Benchmarks report; they never fail a test.
 */
import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../apps/command-api/src/app.js';
import { loadConfig } from '#runtime';
import { createInfrastructure, PROJECTOR_MAX_BATCH, upcastRecorded } from '#runtime';
import { createLogger } from '#runtime';
import { SqliteEventStore } from '#event-store';
import { SqliteReadStore } from '#read-models';
import { ProjectionRunner } from '#read-models';
import { ALL_PROJECTIONS } from '#read-models';
import { listMembers } from '#read-models';
import { generateMembershipLog } from './dataset.js';
import { analyticsBench } from './analytics.js';

const quick = process.argv.includes('--quick');
/** `--only large` (rows 3, 4, 5, 7), `--only http` (2, 6, 9, 10), `--only import` (2, 9), `--only xapi` (10), `--only analytics` (11) or `--only appends` (1): one part, for working on it; writes no report. */
const only = process.argv.find((a, i) => process.argv[i - 1] === '--only') ?? null;
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const work = mkdtempSync(join(tmpdir(), 'org-bench-'));

interface Row {
  id: number;
  figure: string;
  value: number;
  unit: string;
  baseline: string | null;
  baselineValue: number | null;
  ratio: number | null;
  target: string;
  met: boolean;
  durability: string;
  detail: Record<string, unknown>;
}

const rows: Row[] = [];
/** Where row 9 finds the HTTP service row 2 started. */
const importBase = { port: 0 };
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

interface LoadResult {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/** Runs autocannon in a second process, bounded in time, and returns its figures. */
function load(options: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(here, 'load.js'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`load generator exited ${code}`))));
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ---- 1. Appends through the port vs raw single-row commits ---------------------------
async function appends(): Promise<void> {
  const n = quick ? 2_000 : 20_000;
  const callers = 50;
  log(`1: ${n} single-event appends from ${callers} callers, and ${n} raw commits`);
  const raw = new Database(join(work, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec('CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_name TEXT, revision INTEGER, event_id TEXT, type TEXT, data TEXT, metadata TEXT, recorded_at TEXT)');
  const insert = raw.prepare('INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let started = performance.now();
  for (let i = 0; i < n; i++) insert.run(`s-${i % callers}`, i, randomUUID(), 'T', JSON.stringify({ i }), '{}', new Date().toISOString());
  const rawRate = n / ((performance.now() - started) / 1000);
  raw.close();

  const store = new SqliteEventStore({ filename: join(work, 'port.db'), synchronous: 'FULL' });
  let next = 0;
  started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      while (next < n) {
        const i = next++;
        await store.append(`s-${c}`, [{ id: randomUUID(), type: 'T', data: { i }, metadata: {} }]);
      }
    }),
  );
  const portRate = n / ((performance.now() - started) / 1000);
  await store.close();
  rows.push({
    id: 1,
    figure: 'events appended per second through the event store port (single-event appends, 50 concurrent callers)',
    value: Math.round(portRate),
    unit: 'events/s',
    baseline: 'raw better-sqlite3 single-row commits, same settings',
    baselineValue: Math.round(rawRate),
    ratio: round(portRate / rawRate, 2),
    target: '>= 1.0x',
    met: portRate >= rawRate,
    durability: 'WAL, synchronous=FULL',
    detail: { events: n, callers },
  });
}

// ---- 2 and 6. Invitations over HTTP; conflicting edits ---------------------------------
async function http(): Promise<void> {
  const dataDir = join(work, 'http');
  mkdirSync(dataDir);
  const admin = { email: 'bench@platform.test', password: 'bench-password-123' };
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SUPERADMIN_EMAIL: admin.email, SUPERADMIN_PASSWORD: admin.password, SQLITE_SYNCHRONOUS: 'FULL' });
  const infra = await createInfrastructure(config, createLogger('silent'));
  const { app } = await createApp(infra);
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  importBase.port = port;
  const json = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, headers: response.headers, body: (await response.json().catch(() => null)) as Record<string, unknown> };
  };
  const token = (await json('POST', '/auth/login', admin)).body.accessToken as string;
  const auth = { authorization: `Bearer ${token}` };
  if (only === 'xapi') {
    await statementIngestion(json, auth, base, infra);
    await app.close();
    await infra.close();
    return;
  }
  const orgId = (await json('POST', '/organizations', { name: 'Bench Institute', timeZone: 'UTC' }, auth)).body.id as string;

  const seconds = quick ? 2 : 10;
  const bare = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  const barePort = await freePort();
  await new Promise<void>((r) => bare.listen(barePort, '127.0.0.1', r));
  log('2: bare HTTP baseline');
  const baseline = await load({ url: `http://127.0.0.1:${barePort}/`, connections: 50, durationSeconds: seconds });
  bare.close();

  const invite = {
    url: `${base}/organizations/${orgId}/users`,
    connections: 50,
    durationSeconds: seconds,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    bodyTemplate: JSON.stringify({ email: 'user{{n}}@bench.test', firstName: 'Bench', lastName: 'User{{n}}', roles: ['instructor'] }),
  };
  // What bounds row 2 before any command runs: this service's own HTTP stack (Nest,
  // Fastify, helmet, the access log, the problem-details filter) answering a route that
  // does not exist: no guard, no handler, no I/O. Row 2's baseline.
  log('2: the service answering a 404 (its HTTP stack alone)');
  const stack = await load({ url: `${base}/bench-no-such-route`, connections: 50, durationSeconds: seconds });

  log('2: invitations, as fast as they are answered');
  const flat = await load(invite);
  const offeredRate = quick ? 500 : 1000;
  log(`2: invitations at ${offeredRate}/s offered`);
  const offered = await load({ ...invite, overallRate: offeredRate, bodyTemplate: invite.bodyTemplate.replace('user{{n}}', 'paced{{n}}') });
  rows.push({
    id: 2,
    figure: '"invite user" commands per second over HTTP, 50 connections',
    value: Math.round(flat.requestsPerSecond),
    unit: 'commands/s',
    baseline: 'the same service answering a 404 (its HTTP stack alone)',
    baselineValue: Math.round(stack.requestsPerSecond),
    ratio: round(flat.requestsPerSecond / stack.requestsPerSecond, 3),
    target: '>= 3,000 commands/s or >= 0.5 of the baseline; p99 <= 20 ms at 1,000/s offered',
    met: (flat.requestsPerSecond >= 3000 || flat.requestsPerSecond / stack.requestsPerSecond >= 0.5) && offered.p99 <= 20,
    durability: 'WAL, synchronous=FULL; each command answers after its events are projected',
    detail: {
      p50Ms: flat.p50,
      p99Ms: flat.p99,
      atOfferedRate: { offeredPerSecond: offeredRate, achievedPerSecond: round(offered.requestsPerSecond), p50Ms: offered.p50, p99Ms: offered.p99 },
      statusCodes: flat.statusCodes,
      errors: flat.errors + offered.errors,
      serviceStackStatusCodes: stack.statusCodes,
      bareNodePerSecond: Math.round(baseline.requestsPerSecond),
    },
  });

  log('6: 100 concurrent conflicting edits to one user');
  const editOrg = (await json('POST', '/organizations', { name: 'Conflict School', timeZone: 'UTC' }, auth)).body.id as string;
  const user = (await json('POST', `/organizations/${editOrg}/users`, { email: 'conflict@bench.test', firstName: 'Con', lastName: 'Flict', roles: ['admin'] }, auth)).body.id as string;
  const runs = quick ? 3 : 10;
  const outcomes: { won: number; conflicts: number; other: number }[] = [];
  for (let r = 0; r < runs; r++) {
    // The user's own ETag: If-Match is checked against the resource edited (RFC 9110).
    const etag = (await fetch(`${base}/organizations/${editOrg}/users/${user}`, { headers: auth })).headers.get('etag')!;
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => json('PATCH', `/organizations/${editOrg}/users/${user}`, { firstName: `Edit${r}x${i}`, lastName: 'Flict', roles: ['admin'] }, { ...auth, 'if-match': etag })),
    );
    outcomes.push({
      won: answers.filter((a) => a.status === 200).length,
      conflicts: answers.filter((a) => a.status === 412).length,
      other: answers.filter((a) => a.status !== 200 && a.status !== 412).length,
    });
  }
  const exact = outcomes.filter((o) => o.won === 1 && o.conflicts === 99).length;
  rows.push({
    id: 6,
    figure: '100 concurrent conflicting edits to one user (same If-Match)',
    value: exact,
    unit: `of ${runs} runs with exactly 1 winner and 99 x 412`,
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: 'exactly 1 wins and 99 get 412 (stale If-Match), every time',
    met: exact === runs,
    durability: 'WAL, synchronous=FULL',
    detail: { outcomes },
  });
  if (!only || only === 'http' || only === 'import') await memberImport(json, auth, flat.requestsPerSecond);
  if (!only || only === 'http') await statementIngestion(json, auth, base, infra);
  await app.close();
  await infra.close();
}

/** The JSON caller of rows 2, 6, 9 and 10: a method, a path, a body and headers, the status and body back. */
type Json = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: Record<string, unknown> }>;

const expect201 = (answer: { status: number; body: unknown }) => {
  if (answer.status !== 201) throw new Error(`expected 201, got ${answer.status} ${JSON.stringify(answer.body)}`);
};

// ---- 10. xAPI statements over HTTP in batches of 50; the analytics keeping up ----------
async function statementIngestion(
  json: Json,
  auth: Record<string, string>,
  base: string,
  infra: Awaited<ReturnType<typeof createInfrastructure>>,
): Promise<void> {
  const learners = 500;
  const orgId = (await json('POST', '/organizations', { name: 'Bench LRS Academy', timeZone: 'Europe/Berlin' }, auth)).body.id as string;
  const people = Array.from({ length: learners }, (_, i) => ({ email: `learner${i}@lrs.bench`, firstName: 'Learner', lastName: `N${i}` }));
  const invited = await json('POST', `/organizations/${orgId}/invitations:bulk`, { people, roles: ['member'] }, auth);
  if (invited.status !== 200) throw new Error(`bulk invitation: ${invited.status} ${JSON.stringify(invited.body).slice(0, 300)}`);
  const credential = (await json('POST', `/organizations/${orgId}/xapi/credentials`, { name: 'Bench player' }, auth)).body as { key: string; secret: string };
  // 400 different batches of 50 statements, sent in turn: members of the organization
  // (so every statement reaches the analytics), completions, attempts, scores, durations.
  let seed = 20261201;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const now = Date.now();
  const bodies = Array.from({ length: 400 }, () =>
    JSON.stringify(
      Array.from({ length: 50 }, () => ({
        actor: { objectType: 'Agent', mbox: `mailto:learner${Math.floor(next() * learners)}@lrs.bench` },
        verb: { id: next() < 0.4 ? 'http://adlnet.gov/expapi/verbs/completed' : 'http://adlnet.gov/expapi/verbs/attempted' },
        object: { objectType: 'Activity', id: `https://content.bench/activities/${Math.floor(next() * 20)}`, definition: { name: { 'en-US': 'Bench activity' } } },
        result: { duration: `PT${1 + Math.floor(next() * 30)}M`, score: { scaled: Math.round(next() * 100) / 100 } },
        timestamp: new Date(now - Math.floor(next() * 30 * 86_400_000)).toISOString(),
      })),
    ),
  );
  const bodiesFile = join(work, 'statements.json');
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  const seconds = quick ? 2 : 15;
  log(`10: xAPI statements in batches of 50 for ${seconds} s`);
  const headBefore = await infra.eventStore.headPosition();
  const result = await load({
    url: `${base}/xapi/statements`,
    connections: 8,
    durationSeconds: seconds,
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${credential.key}:${credential.secret}`).toString('base64')}`, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' },
    bodiesFile,
  });
  const head = await infra.eventStore.headPosition();
  const stored = head - headBefore;
  const lagAtEnd = head - (await infra.progress.checkpoint());
  const caughtUpStarted = performance.now();
  await infra.progress.waitFor(head, 600_000);
  const catchUpSeconds = (performance.now() - caughtUpStarted) / 1000;
  const statementsPerSecond = ((result.statusCodes['200'] ?? 0) * 50) / seconds;

  // Baseline: the same events appended through the event store port, 50 per append, no HTTP, no validation, no projection.
  const store = new SqliteEventStore({ filename: join(work, 'statements-port.db'), synchronous: 'FULL' });
  const batches = quick ? 200 : 1000;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const parsed = JSON.parse(bodies[b % bodies.length]) as Record<string, unknown>[];
    await store.append(`xapi-bench-${b % 8}`, parsed.map((statement) => ({ id: randomUUID(), type: 'XapiStatementStored', data: { statement }, metadata: {} })));
  }
  const portPerSecond = (batches * 50) / ((performance.now() - started) / 1000);
  await store.close();
  rows.push({
    id: 10,
    figure: 'xAPI statements stored per second over HTTP, batches of 50, 8 connections (validated, matched to members, durable before the answer; the projector in the same process)',
    value: Math.round(statementsPerSecond),
    unit: 'statements/s',
    baseline: 'the same statements appended 50 at a time through the event store port (no HTTP, validation or projection)',
    baselineValue: Math.round(portPerSecond),
    ratio: round(statementsPerSecond / portPerSecond, 3),
    target: '>= 5,000 statements/s; the analytics keep up (lag after the load reported)',
    met: statementsPerSecond >= 5000 && (result.non2xx ?? 0) === 0,
    durability: 'WAL, synchronous=FULL; each batch one append, durable before its 200; the statements and analytics read models follow in the same process (lag at the end reported)',
    detail: {
      batchesPerSecond: round(result.requestsPerSecond),
      p50Ms: result.p50,
      p99Ms: result.p99,
      statusCodes: result.statusCodes,
      eventsStored: stored,
      projectionLagAtEndEvents: lagAtEnd,
      projectionCatchUpAfterLoadSeconds: round(catchUpSeconds, 3),
    },
  });
}

// ---- 9. A member import of 50,000 rows, from upload to applied --------------------------
async function memberImport(
  json: Json,
  auth: Record<string, string>,
  singleInvitationsPerSecond: number,
): Promise<void> {
  const count = quick ? 5_000 : 50_000;
  const base = `http://127.0.0.1:${importBase.port}`;
  const orgId = (await json('POST', '/organizations', { name: 'Import District', timeZone: 'America/Chicago' }, auth)).body.id as string;
  expect201(await json('POST', `/organizations/${orgId}/teams`, { name: 'Grade 7' }, auth));
  const csv = ['email,first name,last name,roles,teams', ...Array.from({ length: count }, (_, i) => `student${i}@district.test,Student${i},Lake,member,Grade 7`)].join('\n');
  log(`9: uploading a ${count.toLocaleString('en')}-row member file (the dry run)`);
  const started = performance.now();
  const upload = await fetch(`${base}/organizations/${orgId}/imports`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv });
  const dryRun = (await upload.json()) as { id: string; totals: { create: number } };
  const dryRunSeconds = (performance.now() - started) / 1000;
  log(`9: applying it`);
  const applyStarted = performance.now();
  await json('POST', `/organizations/${orgId}/imports/${dryRun.id}/apply`, undefined, auth);
  let view: { status: string; processed: number; created: number; failures: unknown[] } = { status: 'applying', processed: 0, created: 0, failures: [] };
  while (view.status !== 'applied') {
    await new Promise((r) => setTimeout(r, 200));
    view = (await json('GET', `/organizations/${orgId}/imports/${dryRun.id}`, undefined, auth)).body as typeof view;
  }
  const applySeconds = (performance.now() - applyStarted) / 1000;
  const totalSeconds = dryRunSeconds + applySeconds;
  const rate = count / applySeconds;
  rows.push({
    id: 9,
    figure: `member import of ${count.toLocaleString('en')} CSV rows (new members, each into a team), upload to applied`,
    value: round(totalSeconds, 1),
    unit: 's',
    baseline: 'row 2: single "invite user" commands per second over HTTP',
    baselineValue: Math.round(singleInvitationsPerSecond),
    ratio: round(rate / singleInvitationsPerSecond, 3),
    target: '50,000 rows in < 60 s (dry run and apply)',
    met: dryRun.totals.create === count && view.created === count && view.failures.length === 0 && (quick || totalSeconds < 60),
    durability: 'WAL, synchronous=FULL; each row an email reservation and an invitation in the log; progress recorded every 500 rows',
    detail: { dryRunSeconds: round(dryRunSeconds, 2), applySeconds: round(applySeconds, 2), appliedRowsPerSecond: Math.round(rate), created: view.created, failures: view.failures.length },
  });
}

// ---- 3, 4 and 5. Rebuild, cold boot and the member list on a 1,000,000-event log -------
async function largeLog(): Promise<void> {
  const organizations = 10;
  const members = quick ? 1_000 : 100_000;
  const dataDir = join(work, 'large');
  mkdirSync(dataDir);
  const file = join(dataDir, 'events.db');
  log(`3: generating ${organizations} x ${members} members (seeded)`);
  const dataset = generateMembershipLog(file, { organizations, membersPerOrganization: members, seed: 20261123 });

  log('3: baseline, reading and parsing every row');
  const db = new Database(file, { readonly: true });
  const page = db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT 1000');
  let after = 0;
  let parsed = 0;
  let started = performance.now();
  for (;;) {
    const batch = page.all(after) as { position: number; data: string; metadata: string }[];
    for (const row of batch) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
      parsed++;
    }
    if (batch.length < 1000) break;
    after = batch[batch.length - 1].position;
  }
  const rawRate = parsed / ((performance.now() - started) / 1000);
  db.close();

  log('3: building every read model from the start, into the data directory\'s read.db');
  const events = new SqliteEventStore({ filename: file });
  // As the embedded default opens it, so row 4 boots on the read models built here.
  const readStore = new SqliteReadStore(join(dataDir, 'read.db'));
  const runner = new ProjectionRunner(events, readStore, ALL_PROJECTIONS, { upcast: upcastRecorded, maxBatch: PROJECTOR_MAX_BATCH });
  started = performance.now();
  await runner.start();
  await runner.catchUp(600_000);
  const rebuildSeconds = (performance.now() - started) / 1000;
  await runner.stop();
  const rebuildRate = dataset.events / rebuildSeconds;
  rows.push({
    id: 3,
    figure: `read-model rebuild from a ${dataset.events.toLocaleString('en')}-event log`,
    value: Math.round(rebuildRate),
    unit: 'events/s',
    baseline: 'reading and JSON.parse-ing the same rows from SQLite',
    baselineValue: Math.round(rawRate),
    ratio: round(rebuildRate / rawRate, 3),
    target: '>= 100,000 events/s, or >= 0.5 of the baseline',
    met: rebuildRate >= 100_000 || rebuildRate / rawRate >= 0.5,
    durability: 'read models in SQLite (WAL, synchronous=NORMAL, one transaction per batch with its checkpoint); log read from SQLite',
    detail: { seconds: round(rebuildSeconds, 2), events: dataset.events, heapMiB: Math.round(process.memoryUsage().heapUsed / 1048576) },
  });

  log('5: member list queries');
  const latencies: number[] = [];
  const queries = quick ? 200 : 2_000;
  // One organization's searches, steady state: its search index loads on its first search
  // (timed apart, as firstSearchMs), and stays loaded while it is used.
  const org = dataset.organizations[0];
  let t0 = performance.now();
  await listMembers(readStore, org, { search: dataset.searchTerms[0], page: 1, pageSize: 25 });
  const firstSearchMs = performance.now() - t0;
  for (let i = 0; i < queries + 50; i++) {
    const term = dataset.searchTerms[i % dataset.searchTerms.length];
    t0 = performance.now();
    await listMembers(readStore, org, { search: term, page: 1, pageSize: 25 });
    if (i >= 50) latencies.push(performance.now() - t0); // the first 50 warm up the JIT
  }
  const p99 = percentile(latencies, 99);
  rows.push({
    id: 5,
    figure: `member list: a page of 25 with a search term, in an organization of ${members.toLocaleString('en')} members among ${organizations}`,
    value: round(p99, 2),
    unit: 'ms p99',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: 'p99 <= 5 ms, p50 <= 1 ms',
    met: p99 <= 5 && percentile(latencies, 50) <= 1,
    durability: 'read models in SQLite; the organization\'s search index in memory, loaded on its first search',
    detail: { p50Ms: round(percentile(latencies, 50), 2), p99Ms: round(p99, 2), queries, searchTerms: dataset.searchTerms.length, firstSearchMs: round(firstSearchMs, 1) },
  });
  await events.close();
  await readStore.close();

  const rssOf = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  const service = (directory: string, port: number) =>
    spawn(process.execPath, [join(root, 'dist/apps/command-api/src/main.js')], {
      env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), DATA_DIR: directory, LOG_LEVEL: 'warn', SUPERADMIN_EMAIL: 'boot@platform.test', SUPERADMIN_PASSWORD: 'boot-password-123' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  /** Spawn to the first answered query: sign in (accounts are a read model) and a page of one organization's members. */
  const firstQuery = async (child: ReturnType<typeof service>, base: string, since: number) => {
    for (let i = 0; i < 7200 && child.exitCode === null; i++) {
      const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'boot@platform.test', password: 'boot-password-123' }) }).catch(() => null);
      if (login?.status === 200) {
        const token = ((await login.json()) as { accessToken: string }).accessToken;
        const page = await fetch(`${base}/organizations/${dataset.organizations[0]}/users?pageSize=25`, { headers: { authorization: `Bearer ${token}` } });
        if (page.status === 200) return { ms: performance.now() - since, token };
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return { ms: -1, token: '' };
  };
  const stop = async (child: ReturnType<typeof service>) => {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  };

  // The first start on this data directory has the read models row 3 built, but no audit
  // log yet: it builds it in the background (row 7 waits for it and exports).
  log('4: first start: the audit log is built in the background; row 7 runs on it');
  const port = await freePort();
  started = performance.now();
  const first = service(dataDir, port);
  const firstBoot = await firstQuery(first, `http://127.0.0.1:${port}`, started);
  if (firstBoot.ms > 0) await auditExport(`http://127.0.0.1:${port}`, first.pid!, rssOf, dataset.events, rawRate);
  await stop(first);

  // The cold boot the row measures: every read model (audit log included) on disk.
  log('4: cold boot of the embedded service on that log, every read model built');
  const base = `http://127.0.0.1:${port}`;
  started = performance.now();
  const child = service(dataDir, port);
  const { ms: bootMs, token } = await firstQuery(child, base, started);
  const rssMiB = rssOf(child.pid!);
  // Then every member of every organization is searched (each organization's search index
  // loads its 100,000 members): memory must stay flat, not grow with the members seen.
  log('4: searching every organization\'s members over HTTP');
  const rssAfterEach: number[] = [];
  for (const org of dataset.organizations) {
    for (const term of dataset.searchTerms.slice(0, 5)) await fetch(`${base}/organizations/${org}/users?pageSize=25&search=${encodeURIComponent(term)}`, { headers: { authorization: `Bearer ${token}` } });
    rssAfterEach.push(rssOf(child.pid!));
  }
  await stop(child);
  rows.push({
    id: 4,
    figure: 'cold boot of the embedded service on that log with its read models built, spawn to the first answered query (sign-in and a page of members)',
    value: round(bootMs / 1000, 2),
    unit: 's',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: '<= 2 s; RSS <= 300 MiB after boot and after every member is searched',
    met: bootMs > 0 && bootMs <= 2_000 && rssMiB <= 300 && Math.max(...rssAfterEach) <= 300,
    durability: 'read models in SQLite (read.db, audit.db: WAL, synchronous=NORMAL) with their checkpoints; log synchronous=FULL',
    detail: { rssAfterBootMiB: rssMiB, rssAfterSearchingEachOrganizationMiB: rssAfterEach, firstStartWithoutAuditLogSeconds: round(firstBoot.ms / 1000, 2) },
  });

  log('8: start on an empty data directory');
  const emptyDir = join(work, 'empty');
  mkdirSync(emptyDir);
  const emptyPort = await freePort();
  const emptyStarted = performance.now();
  const fresh = spawn(process.execPath, [join(root, 'dist/apps/command-api/src/main.js')], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: String(emptyPort), DATA_DIR: emptyDir, LOG_LEVEL: 'warn', SUPERADMIN_EMAIL: 'boot@platform.test', SUPERADMIN_PASSWORD: 'boot-password-123' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let listeningMs = -1;
  for (let i = 0; i < 2400 && fresh.exitCode === null; i++) {
    if (await fetch(`http://127.0.0.1:${emptyPort}/health`).then((r) => r.ok).catch(() => false)) {
      listeningMs = performance.now() - emptyStarted;
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  fresh.kill('SIGTERM');
  await new Promise((r) => fresh.once('exit', r));
  rows.push({
    id: 8,
    figure: 'start on an empty data directory, spawn to listening (/health answers)',
    value: round(listeningMs / 1000, 2),
    unit: 's',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: '<= 2 s (no compile at start)',
    met: listeningMs > 0 && listeningMs <= 2_000,
    durability: 'creates the SQLite files (log synchronous=FULL)',
    detail: {},
  });
}

// ---- 7. The compliance export of the whole log, streamed from the running service -------
async function auditExport(base: string, pid: number, rssOf: (pid: number) => number, events: number, rawRate: number): Promise<void> {
  // The audit log read model follows the log in the background after boot; the export
  // reads the log itself, but is measured on a quiet process.
  log('7: waiting for the audit log to catch up after boot');
  const caughtUpStarted = performance.now();
  let head = events;
  for (let i = 0; i < 24_000; i++) {
    const health = (await fetch(`${base}/health`).then((r) => r.json()).catch(() => null)) as { info?: { auditLog?: { lag: number }; eventStore?: { headPosition: number } } } | null;
    head = health?.info?.eventStore?.headPosition ?? head;
    if (health?.info?.auditLog?.lag === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const auditCatchUpSeconds = (performance.now() - caughtUpStarted) / 1000;
  const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'boot@platform.test', password: 'boot-password-123' }) });
  const token = ((await login.json()) as { accessToken: string }).accessToken;
  // Two exports, one after the other. The first bounds buffering: an export held in
  // memory would grow RSS by at least its own size. The second is reported, not judged:
  // in a process with a 1.8 GB live heap V8 lets the old generation grow by hundreds of
  // MB of garbage before it collects, so RSS cannot tell garbage from retention there.
  // The live heap was measured with forced collections instead (docs/architecture.md,
  // Audit trail: +4 MiB for a 74 MiB export, +8 MiB for a 295 MiB one).
  const exportOnce = async () => {
    const rssBefore = rssOf(pid);
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
    const started = performance.now();
    const response = await fetch(`${base}/audit/export?format=ndjson`, { headers: { authorization: `Bearer ${token}` } });
    let lines = 0;
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    return { status: response.status, lines, bytes, seconds, rssBefore, peak };
  };
  log(`7: exporting the platform's ${events.toLocaleString('en')} events as NDJSON, twice`);
  const first = await exportOnce();
  const second = await exportOnce();
  const { lines, bytes, seconds, rssBefore, peak } = first;
  const exportMiB = bytes / 1048576;
  const rate = lines / seconds;
  rows.push({
    id: 7,
    figure: `audit export of the whole ${lines.toLocaleString('en')}-event log over HTTP (NDJSON, streamed from the log)`,
    value: Math.round(rate),
    unit: 'events/s',
    baseline: 'reading and JSON.parse-ing the same rows from SQLite',
    baselineValue: Math.round(rawRate),
    ratio: round(rate / rawRate, 3),
    target: 'every event; not buffered (RSS growth < export size); peak RSS reported',
    // Every event up to the head (twice, the second time with the first export's own
    // DataAccessed event), and not buffered: RSS grew by less than the export's size
    // (at least 64 MiB: a quick run's 7 MiB export is smaller than RSS noise).
    met: first.status === 200 && lines === head + 1 && second.lines === head + 2 && peak - rssBefore < Math.max(64, exportMiB),
    durability: 'reads the SQLite log (WAL); the export itself is recorded as one DataAccessed event',
    detail: {
      seconds: round(seconds, 2),
      exportedMiB: Math.round(exportMiB),
      rssBeforeMiB: rssBefore,
      peakRssMiB: peak,
      growthMiB: peak - rssBefore,
      secondExportPeakRssMiB: second.peak,
      secondExportGrowthOverFirstPeakMiB: second.peak - peak,
      auditLogCatchUpAfterBootSeconds: round(auditCatchUpSeconds, 2),
    },
  });
}

// ---- 11. Dashboard and team report over 10,000,000 statements, 100 organizations --------
async function analytics(): Promise<void> {
  const statements = quick ? 30_000 : 10_000_000;
  log(`11: folding ${statements.toLocaleString('en')} generated statements across 100 organizations into the analytics read model`);
  const result = await analyticsBench(join(work, 'analytics.db'), { statements, organizations: 100, samples: quick ? 200 : 1_000, log });
  rows.push({
    id: 11,
    figure: `dashboard and team report (5 teams) over the analytics of ${result.statements.toLocaleString('en')} statements across ${result.organizations} organizations, p99`,
    value: Math.max(result.dashboard.p99, result.teamReport.p99),
    unit: 'ms',
    baseline: 'one read-model document by id, same store',
    baselineValue: result.baseline.p99,
    ratio: round(Math.max(result.dashboard.p99, result.teamReport.p99) / result.baseline.p99, 1),
    target: 'p99 <= 20 ms for each',
    met: result.dashboard.p99 <= 20 && result.teamReport.p99 <= 20 && result.check.statements === result.check.expected,
    durability: 'read path only (the read model loaded in bulk from the generated statements)',
    detail: result as unknown as Record<string, unknown>,
  });
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  try {
    if (!only || only === 'appends') await appends();
    if (!only || only === 'http' || only === 'import' || only === 'xapi') await http();
    if (!only || only === 'large') await largeLog();
    if (!only || only === 'analytics') await analytics();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  rows.sort((a, b) => a.id - b.id);
  const machine = {
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    commit: (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
      } catch {
        return null;
      }
    })(),
  };
  const table = [
    '| # | figure | value | baseline | ratio | target | met | durability |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.id} | ${r.figure} | ${r.value.toLocaleString('en')} ${r.unit} | ${r.baseline ? `${r.baseline}: ${r.baselineValue!.toLocaleString('en')}` : '—'} | ${r.ratio ?? '—'} | ${r.target} | ${r.met ? 'yes' : 'no'} | ${r.durability} |`,
    ),
  ].join('\n');
  process.stdout.write(`\n${table}\n\n${quick ? '(quick run: small sizes, figures not comparable to the targets)\n' : ''}`);
  for (const r of rows) process.stdout.write(`${r.id}: ${JSON.stringify(r.detail)}\n`);
  if (only) return;
  const out = join(root, 'bench', quick ? 'last-run.quick.json' : 'last-run.json');
  writeFileSync(out, `${JSON.stringify({ startedAt, quick, machine, rows }, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
