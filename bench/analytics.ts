/**
 * Row 11: the dashboard and the team report over the analytics read model of 10,000,000
 * statements across 100 organizations. The statements are generated (seeded) and folded,
 * one by one, into the documents the learning-analytics projection keeps (its collections,
 * ids and fields: learner periods by day, ISO week and month, day figures with closed
 * days, content per day, first completions, learner progress), then loaded in bulk:
 * running 10,000,000 events through the projector would take the bench an hour and measure
 * the projector, not the reports (row 10 measures ingestion and projection). The reports
 * are then asked for in turn on random organizations and periods, as the API asks them.
 */
import { randomUUID } from 'node:crypto';
import { addDays, isoWeekOf, periodContaining } from '#domain';
import {
  ACTIVITIES,
  ASSIGNMENTS,
  CONTENT_DAYS,
  LEARNER_ACTIVITIES,
  LEARNER_PERIODS,
  LEARNER_PROGRESS,
  LEARNING_DAYS,
  learningAnalyticsProjection,
  contentProjection,
  organizationDashboard,
  POSITION_FIELD,
  SqliteReadStore,
  learnerPeriodDocs,
  unitFigures,
  type CollectionWriteOp,
  type Doc,
} from '#read-models';

export interface AnalyticsBench {
  statements: number;
  organizations: number;
  documents: number;
  loadSeconds: number;
  dashboard: { p50: number; p99: number; samples: number };
  teamReport: { p50: number; p99: number; samples: number };
  baseline: { p50: number; p99: number };
  check: { organizationId: string; week: string; statements: number; expected: number };
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function analyticsBench(file: string, options: { statements: number; organizations: number; samples: number; log: (m: string) => void }): Promise<AnalyticsBench> {
  const store = new SqliteReadStore(file);
  for (const projection of [learningAnalyticsProjection, contentProjection]) for (const c of projection.collections) for (const index of c.indexes) await store.collection(c.name).createIndex(index);
  await store.bulkLoad?.(true);
  const LEARNERS = 500;
  const ACTIVITY_COUNT = 20;
  const DAYS = 90;
  const TEAMS = 5;
  const today = new Date().toISOString().slice(0, 10);
  const firstDay = addDays(today, -DAYS);
  const perOrganization = Math.floor(options.statements / options.organizations);
  let seed = 424242;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const orgIds = Array.from({ length: options.organizations }, () => randomUUID());
  const learnerIds = orgIds.map(() => Array.from({ length: LEARNERS }, () => randomUUID()));
  let documents = 0;
  let check = { organizationId: orgIds[0], week: '', statements: 0, expected: 0 };
  const started = performance.now();
  for (const [o, organizationId] of orgIds.entries()) {
    const periods = new Map<string, { period: string; userId: string; statements: number; completions: number; timeSpentSeconds: number }>();
    const days = new Map<string, { statements: number; completions: number; timeSpentSeconds: number; learners: Set<string> }>();
    const contentDays = new Map<string, number>();
    const completions = new Map<string, string>();
    const progress = new Map<string, { statements: number; timeSpentSeconds: number; scoreSum: number; scoreCount: number; lastActivityAt: string }>();
    for (let i = 0; i < perOrganization; i++) {
      const userId = learnerIds[o][Math.floor(random() * LEARNERS)];
      const date = addDays(firstDay, Math.floor(random() * DAYS));
      const completed = random() < 0.3;
      const iri = `https://content.bench/${Math.floor(random() * ACTIVITY_COUNT)}`;
      const seconds = 60 + Math.floor(random() * 1800);
      const score = Math.round(random() * 100) / 100;
      for (const key of [`d:${date}`, `w:${isoWeekOf(date)}`, `m:${date.slice(0, 7)}`]) {
        const id = `${organizationId}|${key}|${userId}`;
        const p = periods.get(id) ?? { period: key, userId, statements: 0, completions: 0, timeSpentSeconds: 0 };
        p.statements++;
        p.completions += completed ? 1 : 0;
        p.timeSpentSeconds += seconds;
        periods.set(id, p);
      }
      const day = days.get(date) ?? { statements: 0, completions: 0, timeSpentSeconds: 0, learners: new Set() };
      day.statements++;
      day.completions += completed ? 1 : 0;
      day.timeSpentSeconds += seconds;
      day.learners.add(userId);
      days.set(date, day);
      if (completed) {
        contentDays.set(`${date}|${iri}`, (contentDays.get(`${date}|${iri}`) ?? 0) + 1);
        if (!completions.has(`${userId}|${iri}`)) completions.set(`${userId}|${iri}`, date);
      }
      const pr = progress.get(userId) ?? { statements: 0, timeSpentSeconds: 0, scoreSum: 0, scoreCount: 0, lastActivityAt: '' };
      pr.statements++;
      pr.timeSpentSeconds += seconds;
      pr.scoreSum += score;
      pr.scoreCount++;
      if (`${date}T12:00:00.000Z` > pr.lastActivityAt) pr.lastActivityAt = `${date}T12:00:00.000Z`;
      progress.set(userId, pr);
    }
    const ops: CollectionWriteOp[] = [];
    const insert = (collection: string, document: Doc) => ops.push({ collection, insertOne: { document: { ...document, [POSITION_FIELD]: 1 } } });
    for (const [id, p] of periods) insert(LEARNER_PERIODS, { _id: id, organizationId, ...p });
    for (const [date, d] of days) {
      // Every day before today is closed, as the day-closing job leaves them.
      const closed = date < today ? { activeLearners: d.learners.size, statements: d.statements, completions: d.completions, timeSpentSeconds: d.timeSpentSeconds, closedAt: `${date}T23:59:59Z` } : null;
      insert(LEARNING_DAYS, { _id: `${organizationId}|${date}`, organizationId, date, statements: d.statements, completions: d.completions, timeSpentSeconds: d.timeSpentSeconds, closed });
    }
    for (const [key, count] of contentDays) {
      const [date, iri] = key.split('|');
      insert(CONTENT_DAYS, { _id: `${organizationId}|${key}`, organizationId, date, activityIri: iri, completions: count });
    }
    for (const [key, date] of completions) {
      const [userId, iri] = key.split('|');
      insert(LEARNER_ACTIVITIES, { _id: `${organizationId}|${key}`, organizationId, userId, activityIri: iri, startedAt: `${date}T12:00:00.000Z`, completedAt: `${date}T12:00:00.000Z` });
    }
    for (const [userId, p] of progress) insert(LEARNER_PROGRESS, { _id: `${organizationId}|${userId}`, organizationId, userId, ...p });
    for (let a = 0; a < ACTIVITY_COUNT; a++) insert(ACTIVITIES, { _id: `${organizationId}-a${a}`, organizationId, title: `Activity ${a}`, activityIri: `https://content.bench/${a}`, status: 'active', learnerIds: [] });
    // Twenty assignments, due across the 90 days, each to a fifth of the learners.
    for (let a = 0; a < 20; a++) {
      const due = addDays(firstDay, Math.floor((a * DAYS) / 20));
      const learners = learnerIds[o].slice((a % TEAMS) * 100, (a % TEAMS) * 100 + 100);
      insert(ASSIGNMENTS, { _id: `${organizationId}-as${a}`, organizationId, activityId: `${organizationId}-a${a % ACTIVITY_COUNT}`, learnerIds: learners, learnerCount: learners.length, status: 'open', dueAt: `${due}T17:00:00.000Z`, shortUserIds: [] });
    }
    for (let i = 0; i < ops.length; i += 20_000) await store.applyBatch(ops.slice(i, i + 20_000));
    documents += ops.length;
    if (o === 0) {
      const week = periodContaining('week', addDays(today, -14));
      check = { organizationId, week: week.key, statements: 0, expected: [...days].filter(([d]) => d >= week.start && d < week.end).reduce((sum, [, d]) => sum + d.statements, 0) };
    }
    if ((o + 1) % 10 === 0) options.log(`11: ${((o + 1) * perOrganization).toLocaleString('en')} statements folded and loaded`);
  }
  await store.bulkLoad?.(false);
  const loadSeconds = (performance.now() - started) / 1000;

  // The check: the dashboard reads back the generated week's statements.
  const now = new Date();
  check.statements = (await organizationDashboard(store, { id: check.organizationId, timeZone: 'UTC' }, { kind: 'week', date: addDays(today, -14), today, now })).figures.statements;

  const samples = options.samples;
  const dashboard: number[] = [];
  const team: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < samples; i++) {
    const o = Math.floor(random() * options.organizations);
    const kind = (['day', 'week', 'month'] as const)[i % 3];
    const date = addDays(today, -1 - Math.floor(random() * 60));
    let t = performance.now();
    await organizationDashboard(store, { id: orgIds[o], timeZone: 'UTC' }, { kind, date, today, now });
    dashboard.push(performance.now() - t);
    // The team report as GET .../analytics/teams makes it: one read for every team's members, then each of the five teams' sums.
    const period = periodContaining(kind, date);
    t = performance.now();
    const docs = await learnerPeriodDocs(store, orgIds[o], [period.key], learnerIds[o]);
    for (let k = 0; k < TEAMS; k++) unitFigures(docs, [period.key], learnerIds[o].slice(k * 100, k * 100 + 100));
    team.push(performance.now() - t);
    t = performance.now();
    await store.collection(LEARNING_DAYS).findOne({ _id: `${orgIds[o]}|${date}` });
    baseline.push(performance.now() - t);
  }
  await store.close();
  return {
    statements: perOrganization * options.organizations,
    organizations: options.organizations,
    documents,
    loadSeconds: round(loadSeconds, 1),
    dashboard: { p50: round(percentile(dashboard, 50)), p99: round(percentile(dashboard, 99)), samples },
    teamReport: { p50: round(percentile(team, 50)), p99: round(percentile(team, 99)), samples },
    baseline: { p50: round(percentile(baseline, 50), 3), p99: round(percentile(baseline, 99), 3) },
    check,
  };
}
