import { addDays, changeOf, datesBetween, periodContaining, previousPeriod, startOfLocalDate, type Change, type Period, type PeriodKind } from '#domain';
import type { ReadStore } from '../read-store.port.js';
import { ACTIVITIES, ASSIGNMENTS, type ActivityDocument, type AssignmentDocument } from '../projections/content.projection.js';
import {
  ANALYTICS_FACTS,
  type AnalyticsFactDocument,
  CONTENT_DAYS,
  LEARNER_ACTIVITIES,
  LEARNER_PERIODS,
  LEARNER_PROGRESS,
  LEARNING_DAYS,
  type LearnerActivityDocument,
  type LearnerPeriodDocument,
  type LearnerProgressDocument,
  type LearningDayDocument,
} from '../projections/learning-analytics.projection.js';

export interface PeriodFigures {
  activeLearners: number;
  /** The mean, over the assignments due in the period, of the share of their learners who completed the activity (percent, one decimal); null when none was due. */
  averageCompletionRate: number | null;
  assignmentsDue: number;
  statements: number;
  completions: number;
  timeSpentSeconds: number;
}

export interface Dashboard {
  organizationId: string;
  timeZone: string;
  period: Period & { complete: boolean };
  previousPeriod: Period;
  figures: PeriodFigures;
  changes: Record<'activeLearners' | 'averageCompletionRate' | 'statements' | 'completions' | 'timeSpentSeconds', Change>;
  assignmentsDueNext7Days: number;
  /** Daily active learners, oldest first: the last 30 and 90 days up to the period's last day (or today). */
  engagement: { last30Days: { date: string; activeLearners: number }[]; last90Days: { date: string; activeLearners: number }[] };
  topContent: { activityIri: string; activityId: string | null; title: string | null; completions: number }[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Learners with a statement in a period: one document each, counted on the (organization, period) index. */
const activeLearners = (store: ReadStore, organizationId: string, period: Period) => store.collection(LEARNER_PERIODS).countDocuments({ organizationId, period: period.key });

async function dayDocs(store: ReadStore, organizationId: string, start: string, end: string): Promise<LearningDayDocument[]> {
  return store.collection<LearningDayDocument>(LEARNING_DAYS).find({ organizationId, date: { $gte: start, $lt: end } });
}

/**
 * The assignments due in a period, each with the share of its learners who have completed
 * its activity (a completion of the activity at any time counts: a learner who did it
 * before it was assigned has done it).
 */
async function completionRates(store: ReadStore, organizationId: string, period: Period, timeZone: string): Promise<number[]> {
  const from = new Date(startOfLocalDate(period.start, timeZone)).toISOString();
  const to = new Date(startOfLocalDate(period.end, timeZone)).toISOString();
  const due = await store
    .collection<AssignmentDocument>(ASSIGNMENTS)
    .find({ organizationId, status: 'open', dueAt: { $gte: from, $lt: to } }, { projection: { activityId: 1, learnerIds: 1, learnerCount: 1 } });
  if (due.length === 0) return [];
  const activities = await store.collection<ActivityDocument>(ACTIVITIES).find({ _id: { $in: [...new Set(due.map((a) => a.activityId))] } }, { projection: { activityIri: 1 } });
  const iriOf = new Map(activities.map((a) => [a._id, a.activityIri]));
  const rates: number[] = [];
  for (const assignment of due) {
    if (assignment.learnerIds.length === 0) continue;
    const completed = await store
      .collection<LearnerActivityDocument>(LEARNER_ACTIVITIES)
      .countDocuments({ organizationId, activityIri: iriOf.get(assignment.activityId) ?? '', userId: { $in: assignment.learnerIds }, completedAt: { $exists: true } });
    rates.push(completed / assignment.learnerIds.length);
  }
  return rates;
}

async function figuresOf(store: ReadStore, organizationId: string, period: Period, timeZone: string): Promise<PeriodFigures> {
  const [days, rates] = await Promise.all([dayDocs(store, organizationId, period.start, period.end), completionRates(store, organizationId, period, timeZone)]);
  // A closed day's figures are the ones it was closed with; an open day's are counted as they stand.
  const sum = (field: 'statements' | 'completions' | 'timeSpentSeconds') => days.reduce((total, day) => total + (day.closed ? day.closed[field] : day[field]), 0);
  // A closed day's distinct learners are the ones it was closed with too (no count needed); weeks and months count theirs as they stand.
  const closedDay = period.kind === 'day' ? days.find((d) => d.closed)?.closed : undefined;
  return {
    activeLearners: closedDay ? closedDay.activeLearners : await activeLearners(store, organizationId, period),
    averageCompletionRate: rates.length === 0 ? null : round1((rates.reduce((a, b) => a + b, 0) / rates.length) * 100),
    assignmentsDue: rates.length,
    statements: sum('statements'),
    completions: sum('completions'),
    timeSpentSeconds: sum('timeSpentSeconds'),
  };
}

/** Daily active learners for each date from `start` to before `end`: closed days as closed, the others counted. */
async function engagement(store: ReadStore, organizationId: string, start: string, end: string): Promise<{ date: string; activeLearners: number }[]> {
  const closed = new Map((await dayDocs(store, organizationId, start, end)).filter((d) => d.closed).map((d) => [d.date, d.closed!.activeLearners]));
  return Promise.all(
    datesBetween(start, end).map(async (date) => ({ date, activeLearners: closed.get(date) ?? (await activeLearners(store, organizationId, periodContaining('day', date))) })),
  );
}

/**
 * The organization dashboard (both guides; issue 19): a period's figures in the
 * organization's time zone, each with its change against the period before, the
 * assignments due in the next seven days, the engagement trend and the top content.
 * Every figure is read from pre-aggregated documents.
 */
export async function organizationDashboard(
  store: ReadStore,
  organization: { id: string; timeZone: string },
  query: { kind: PeriodKind; date: string; today: string; now: Date },
): Promise<Dashboard> {
  const { id: organizationId, timeZone } = organization;
  const period = periodContaining(query.kind, query.date);
  const before = previousPeriod(period);
  const trendEnd = period.end <= query.today ? period.end : addDays(query.today, 1);
  const [figures, previous, dueSoon, last90, top] = await Promise.all([
    figuresOf(store, organizationId, period, timeZone),
    figuresOf(store, organizationId, before, timeZone),
    store.collection(ASSIGNMENTS).countDocuments({ organizationId, status: 'open', dueAt: { $gte: query.now.toISOString(), $lt: new Date(query.now.getTime() + 7 * 86_400_000).toISOString() } }),
    engagement(store, organizationId, addDays(trendEnd, -90), trendEnd),
    topContent(store, organizationId, period),
  ]);
  return {
    organizationId,
    timeZone,
    period: { ...period, complete: period.end <= query.today },
    previousPeriod: before,
    figures,
    changes: {
      activeLearners: changeOf(figures.activeLearners, previous.activeLearners),
      averageCompletionRate: changeOf(figures.averageCompletionRate ?? 0, previous.averageCompletionRate ?? 0),
      statements: changeOf(figures.statements, previous.statements),
      completions: changeOf(figures.completions, previous.completions),
      timeSpentSeconds: changeOf(figures.timeSpentSeconds, previous.timeSpentSeconds),
    },
    assignmentsDueNext7Days: dueSoon,
    engagement: { last30Days: last90.slice(-30), last90Days: last90 },
    topContent: top,
  };
}

/** The activities completed most in a period (five), with their titles where the library has them. */
async function topContent(store: ReadStore, organizationId: string, period: Period): Promise<Dashboard['topContent']> {
  const days = await store.collection<{ _id: string; activityIri: string; completions: number }>(CONTENT_DAYS).find({ organizationId, date: { $gte: period.start, $lt: period.end } });
  const totals = new Map<string, number>();
  for (const day of days) totals.set(day.activityIri, (totals.get(day.activityIri) ?? 0) + day.completions);
  const top = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
  const activities = await store.collection<ActivityDocument>(ACTIVITIES).find({ organizationId, activityIri: { $in: top.map(([iri]) => iri) } }, { projection: { activityIri: 1, title: 1 } });
  const byIri = new Map(activities.map((a) => [a.activityIri, a]));
  return top.map(([activityIri, completions]) => ({ activityIri, activityId: byIri.get(activityIri)?._id ?? null, title: byIri.get(activityIri)?.title ?? null, completions }));
}

export interface MemberProgress {
  userId: string;
  /** Completed activities among those assigned to the member now, in percent (one decimal); null with none assigned. */
  completionRate: number | null;
  assignedActivities: number;
  completedAssigned: number;
  completedActivities: number;
  statements: number;
  timeSpentSeconds: number;
  /** The mean of `result.score.scaled` over the statements that carry one; null when none did. */
  averageScaledScore: number | null;
  lastActivityAt: string | null;
}

/** One member's progress: from their progress document, their completions and the open assignments they have. */
/** The activities a member started, with when they started and first completed each (the by_user index). */
export async function learnerActivitiesOf(store: ReadStore, organizationId: string, userId: string): Promise<LearnerActivityDocument[]> {
  return store.collection<LearnerActivityDocument>(LEARNER_ACTIVITIES).find({ organizationId, userId });
}

export async function memberProgress(store: ReadStore, organizationId: string, userId: string): Promise<MemberProgress> {
  return (await membersProgress(store, organizationId, [userId]))[0];
}

/**
 * Several members' progress in a few reads, whatever their number (an export of the whole
 * organization): their progress documents, their completions, and the organization's open
 * assignments with their activities.
 */
export async function membersProgress(store: ReadStore, organizationId: string, userIds: readonly string[]): Promise<MemberProgress[]> {
  if (userIds.length === 0) return [];
  const ids = [...userIds];
  const [progress, completions, assignments] = await Promise.all([
    store.collection<LearnerProgressDocument>(LEARNER_PROGRESS).find({ _id: { $in: ids.map((id) => `${organizationId}|${id}`) } }),
    store
      .collection<LearnerActivityDocument>(LEARNER_ACTIVITIES)
      .find({ organizationId, userId: ids.length === 1 ? ids[0] : { $in: ids }, completedAt: { $exists: true } }, { projection: { userId: 1, activityIri: 1 } }),
    store.collection<AssignmentDocument>(ASSIGNMENTS).find({ organizationId, status: 'open', ...(ids.length === 1 ? { learnerIds: ids[0] } : {}) }, { projection: { activityId: 1, learnerIds: 1 } }),
  ]);
  const activityIds = [...new Set(assignments.map((a) => a.activityId))];
  const activities = activityIds.length ? await store.collection<ActivityDocument>(ACTIVITIES).find({ _id: { $in: activityIds } }, { projection: { activityIri: 1 } }) : [];
  const iriOf = new Map(activities.map((a) => [a._id, a.activityIri]));
  const progressOf = new Map(progress.map((p) => [p.userId, p]));
  const completedBy = new Map<string, Set<string>>();
  for (const c of completions) completedBy.set(c.userId, (completedBy.get(c.userId) ?? new Set()).add(c.activityIri));
  const assignedTo = new Map<string, Set<string>>();
  for (const a of assignments) {
    const iri = iriOf.get(a.activityId);
    if (iri) for (const learner of a.learnerIds) assignedTo.set(learner, (assignedTo.get(learner) ?? new Set()).add(iri));
  }
  return ids.map((userId) => {
    const p = progressOf.get(userId);
    const completed = completedBy.get(userId) ?? new Set<string>();
    const assigned = [...(assignedTo.get(userId) ?? [])];
    const completedAssigned = assigned.filter((iri) => completed.has(iri)).length;
    return {
      userId,
      completionRate: assigned.length === 0 ? null : round1((completedAssigned / assigned.length) * 100),
      assignedActivities: assigned.length,
      completedAssigned,
      completedActivities: completed.size,
      statements: p?.statements ?? 0,
      timeSpentSeconds: p?.timeSpentSeconds ?? 0,
      averageScaledScore: p && p.scoreCount > 0 ? Math.round((p.scoreSum / p.scoreCount) * 1000) / 1000 : null,
      lastActivityAt: p?.lastActivityAt ?? null,
    };
  });
}

/** Closed-day inputs: a day's own counters and its distinct learners, as the day-closing job records them. */
export async function dayFiguresOf(store: ReadStore, organizationId: string, date: string): Promise<{ activeLearners: number; statements: number; completions: number; timeSpentSeconds: number }> {
  const [learners, day] = await Promise.all([
    activeLearners(store, organizationId, periodContaining('day', date)),
    store.collection<LearningDayDocument>(LEARNING_DAYS).findOne({ _id: `${organizationId}|${date}` }),
  ]);
  return { activeLearners: learners, statements: day?.statements ?? 0, completions: day?.completions ?? 0, timeSpentSeconds: day?.timeSpentSeconds ?? 0 };
}

export interface UnitFigures {
  members: number;
  activeLearners: number;
  statements: number;
  completions: number;
  timeSpentSeconds: number;
  /** Completions per member: the figure teams are benchmarked on (two decimals); null for a unit with no members. */
  completionsPerMember: number | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Some members' learner-period documents in some periods: one read, whatever the number of teams a report sums them for. */
export async function learnerPeriodDocs(store: ReadStore, organizationId: string, periodKeys: readonly string[], userIds: readonly string[]): Promise<LearnerPeriodDocument[]> {
  if (userIds.length === 0 || periodKeys.length === 0) return [];
  return store
    .collection<LearnerPeriodDocument>(LEARNER_PERIODS)
    .find({ organizationId, period: periodKeys.length === 1 ? periodKeys[0] : { $in: [...periodKeys] }, userId: { $in: [...userIds] } }, { projection: { period: 1, userId: 1, statements: 1, completions: 1, timeSpentSeconds: 1 } });
}

/** A group of members' figures in periods (by key), summed from learner-period documents read for them (or for more people). */
export function unitFigures(docs: readonly LearnerPeriodDocument[], periodKeys: readonly string[], memberIds: readonly string[]): Map<string, UnitFigures> {
  const byPeriod = new Map<string, UnitFigures>(periodKeys.map((key) => [key, { members: memberIds.length, activeLearners: 0, statements: 0, completions: 0, timeSpentSeconds: 0, completionsPerMember: memberIds.length ? 0 : null }]));
  const members = new Set(memberIds);
  for (const doc of docs) {
    const figures = byPeriod.get(doc.period);
    if (!figures || !members.has(doc.userId)) continue;
    figures.activeLearners += 1;
    figures.statements += doc.statements;
    figures.completions += doc.completions;
    figures.timeSpentSeconds += doc.timeSpentSeconds;
  }
  for (const figures of byPeriod.values()) figures.completionsPerMember = memberIds.length ? round2(figures.completions / memberIds.length) : null;
  return byPeriod;
}

/** One group of members' figures in periods. */
export async function unitFiguresByPeriod(store: ReadStore, organizationId: string, periodKeys: string[], memberIds: readonly string[]): Promise<Map<string, UnitFigures>> {
  return unitFigures(await learnerPeriodDocs(store, organizationId, periodKeys, memberIds), periodKeys, memberIds);
}

/** The fact feed after a cursor (a log position), in order: a page, and whether more follow. */
export async function factsAfter(store: ReadStore, organizationId: string, after: number, limit: number): Promise<{ facts: AnalyticsFactDocument[]; more: boolean }> {
  const docs = await store
    .collection<AnalyticsFactDocument>(ANALYTICS_FACTS)
    .find({ organizationId, cursor: { $gt: after } }, { sort: { cursor: 1, seq: 1 }, limit: limit + 1 });
  // A page ends on a whole event: its facts share one cursor, and the next page starts after it.
  let page = docs.slice(0, limit);
  if (docs.length > limit && docs[limit].cursor === page[page.length - 1]?.cursor) {
    const cut = page.filter((d) => d.cursor !== docs[limit].cursor);
    page = cut.length > 0 ? cut : page;
  }
  return { facts: page, more: docs.length > page.length };
}

/** An activity's usage from learning records: learners who started it (any statement about it) and who completed it. */
export async function activityLearningUsage(store: ReadStore, organizationId: string, activityIri: string): Promise<{ started: number; completed: number }> {
  const activities = store.collection<LearnerActivityDocument>(LEARNER_ACTIVITIES);
  const [started, completed] = await Promise.all([activities.countDocuments({ organizationId, activityIri }), activities.countDocuments({ organizationId, activityIri, completedAt: { $exists: true } })]);
  return { started, completed };
}
