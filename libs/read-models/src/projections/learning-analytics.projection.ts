import { parse as parseDuration, toSeconds } from 'iso8601-duration';
import { LEARNING_DAY_EVENT_TYPES, localDateOf, type LibraryEvent, periodKeysOf, VOIDED_VERB, XAPI_STATEMENT_EVENT_TYPES, type LearningDayEvent, type XapiStatementEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, ORGANIZATION_PURGED, organizationRemoved, POSITION_FIELD, type Projection } from '../projector/projection.js';

/**
 * Who learned in which period (`d:`, `w:`, `m:` keys), and how much: one document per
 * learner and period, counted for "active learners" and summed for a team or department.
 */
export const LEARNER_PERIODS = 'learner_periods_v1';
/** Per organization and local date: statements, completions, time spent; the closed figures once the day is closed. */
export const LEARNING_DAYS = 'learning_days_v1';
/** Per member: what their progress report shows. */
export const LEARNER_PROGRESS = 'learner_progress_v1';
/**
 * A member and an activity (by its xAPI id): when they started it (their first statement
 * about it) and, once they have, when they first completed it. An activity's "started" and
 * "completed" usage, completion rates and progress count these.
 */
export const LEARNER_ACTIVITIES = 'learner_activities_v1';
/** Completions per organization, local date and activity: "top content". */
export const CONTENT_DAYS = 'content_days_v1';
/**
 * The fact feed a BI tool loads its warehouse from: completions, scores, assignments and
 * their cancellations, each with the log position it came from (its cursor).
 */
export const ANALYTICS_FACTS = 'analytics_facts_v1';

export interface AnalyticsFactDocument {
  _id: string;
  organizationId: string;
  /** The log position of the event the fact comes from: the feed's order and cursor. */
  cursor: number;
  /** Within one event, the fact's place (a statement gives a completion and a score). */
  seq: number;
  type: 'completion' | 'score' | 'assignment' | 'assignment-extended' | 'assignment-cancelled' | 'assignment-rescheduled';
  at: string;
  [key: string]: unknown;
}

const FACT_EVENTS = new Set(['ActivityAssigned', 'AssignmentExtended', 'AssignmentCancelled', 'DueDatesRescheduled']);

export interface LearningDayDocument {
  _id: string;
  organizationId: string;
  date: string;
  statements: number;
  completions: number;
  timeSpentSeconds: number;
  closed: { activeLearners: number; statements: number; completions: number; timeSpentSeconds: number; closedAt: string } | null;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

export interface LearnerPeriodDocument {
  _id: string;
  organizationId: string;
  period: string;
  userId: string;
  statements: number;
  completions: number;
  timeSpentSeconds: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

export interface LearnerProgressDocument {
  _id: string;
  organizationId: string;
  userId: string;
  statements: number;
  timeSpentSeconds: number;
  scoreSum: number;
  scoreCount: number;
  lastActivityAt: string;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

export interface LearnerActivityDocument {
  _id: string;
  organizationId: string;
  userId: string;
  activityIri: string;
  startedAt: string;
  /** The earliest completion (absent until one). */
  completedAt?: string;
  [key: string]: unknown;
}

/** Verbs that say an activity was completed (ADL's), besides a result that says so. */
export const COMPLETION_VERBS: ReadonlySet<string> = new Set(['http://adlnet.gov/expapi/verbs/completed', 'http://adlnet.gov/expapi/verbs/passed', 'http://adlnet.gov/expapi/verbs/mastered']);

/** What one statement tells the reports. */
export interface LearningFact {
  organizationId: string;
  userId: string;
  /** When the learning happened: the statement's timestamp, or when it was stored if the timestamp is later (a client clock ahead). */
  at: string;
  date: string;
  activityIri: string | null;
  completed: boolean;
  durationSeconds: number;
  scaledScore: number | null;
}

function durationOf(text: unknown): number {
  if (typeof text !== 'string') return 0;
  try {
    const seconds = toSeconds(parseDuration(text));
    return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds) : 0;
  } catch {
    return 0;
  }
}

/** The fact a statement gives, or null for one that counts for no member (unmatched, or a voiding statement). */
export function learningFactOf(data: XapiStatementEvent['data']): LearningFact | null {
  const { statement, userId, organizationId, timeZone } = data;
  const verb = (statement.verb as { id: string }).id;
  if (!userId || verb === VOIDED_VERB) return null;
  const at = Math.min(Date.parse(statement.timestamp), Date.parse(statement.stored));
  const object = statement.object as { objectType?: string; id?: string };
  const result = (statement.result ?? {}) as { completion?: unknown; duration?: unknown; score?: { scaled?: unknown } };
  const scaled = result.score?.scaled;
  return {
    organizationId,
    userId,
    at: new Date(at).toISOString(),
    date: localDateOf(at, timeZone),
    activityIri: (object.objectType === undefined || object.objectType === 'Activity') && typeof object.id === 'string' ? object.id : null,
    completed: COMPLETION_VERBS.has(verb) || result.completion === true,
    durationSeconds: durationOf(result.duration),
    scaledScore: typeof scaled === 'number' && Number.isFinite(scaled) ? scaled : null,
  };
}

/**
 * A counter document that may not exist yet: created at zero, then changed once per
 * event (the position guard), so an event delivered twice counts once.
 */
function counter(collection: string, id: string, fields: Record<string, unknown>, event: RecordedEvent, inc: Record<string, number>, extra: Record<string, unknown> = {}): CollectionWriteOp[] {
  const zeros = Object.fromEntries(Object.keys(inc).map((k) => [k, 0]));
  return [
    { collection, updateOne: { filter: { _id: id }, update: { $setOnInsert: { ...fields, ...zeros, [POSITION_FIELD]: 0 } }, upsert: true } },
    { collection, updateOne: { filter: { _id: id, ...notYetApplied(event.position) }, update: { $inc: inc, $set: { [POSITION_FIELD]: event.position }, ...extra } } },
  ];
}

const dayId = (organizationId: string, date: string) => `${organizationId}|${date}`;

/**
 * The learning analytics (issue 19): pre-aggregated from statements as they arrive, so a
 * report reads a handful of documents and never the statements. Statements about no
 * member are left out (they are listed as unmatched); a voided statement's figures stay
 * counted (see the README: voiding corrects the record, not the reports).
 */
export const learningAnalyticsProjection: Projection = {
  name: 'learning-analytics',
  version: 1,
  collections: [
    { name: LEARNER_PERIODS, indexes: [{ keys: { organizationId: 1, period: 1, userId: 1 }, name: 'by_org_period' }] },
    { name: LEARNING_DAYS, indexes: [{ keys: { organizationId: 1, date: 1 }, name: 'by_org_date' }] },
    { name: LEARNER_PROGRESS, indexes: [{ keys: { organizationId: 1, lastActivityAt: -1 }, name: 'by_org_last' }] },
    { name: LEARNER_ACTIVITIES, indexes: [{ keys: { organizationId: 1, activityIri: 1, userId: 1 }, name: 'by_activity' }, { keys: { organizationId: 1, userId: 1 }, name: 'by_user' }] },
    { name: CONTENT_DAYS, indexes: [{ keys: { organizationId: 1, date: 1 }, name: 'by_org_date' }] },
    { name: ANALYTICS_FACTS, indexes: [{ keys: { organizationId: 1, cursor: 1, seq: 1 }, name: 'by_org_cursor' }] },
  ],
  canHandle: (event) =>
    XAPI_STATEMENT_EVENT_TYPES.has(event.type as XapiStatementEvent['type']) ||
    LEARNING_DAY_EVENT_TYPES.has(event.type as LearningDayEvent['type']) ||
    FACT_EVENTS.has(event.type) ||
    event.type === ORGANIZATION_PURGED,
  project(recorded: RecordedEvent): CollectionWriteOp[] {
    if (recorded.type === ORGANIZATION_PURGED) return organizationRemoved(recorded, LEARNER_PERIODS, LEARNING_DAYS, LEARNER_PROGRESS, LEARNER_ACTIVITIES, CONTENT_DAYS, ANALYTICS_FACTS);
    if (FACT_EVENTS.has(recorded.type)) return assignmentFactOps(recorded);
    if (recorded.type === 'LearningDayClosed') {
      const { organizationId, date, activeLearners, statements, completions, timeSpentSeconds, closedAt } = (recorded as unknown as LearningDayEvent).data;
      const id = dayId(organizationId, date);
      return [
        { collection: LEARNING_DAYS, updateOne: { filter: { _id: id }, update: { $setOnInsert: { organizationId, date, statements: 0, completions: 0, timeSpentSeconds: 0, [POSITION_FIELD]: 0 } }, upsert: true } },
        { collection: LEARNING_DAYS, updateOne: { filter: { _id: id }, update: { $set: { closed: { activeLearners, statements, completions, timeSpentSeconds, closedAt } } } } },
      ];
    }
    const fact = learningFactOf((recorded as unknown as XapiStatementEvent).data);
    if (!fact) return [];
    const { organizationId, userId, date } = fact;
    const completion = fact.completed && fact.activityIri !== null;
    const counts = { statements: 1, completions: completion ? 1 : 0, timeSpentSeconds: fact.durationSeconds };
    const ops: CollectionWriteOp[] = periodKeysOf(date).flatMap((period) => counter(LEARNER_PERIODS, `${organizationId}|${period}|${userId}`, { organizationId, period, userId }, recorded, counts));
    ops.push(
      ...counter(LEARNING_DAYS, dayId(organizationId, date), { organizationId, date, closed: null }, recorded, counts),
      ...counter(
        LEARNER_PROGRESS,
        `${organizationId}|${userId}`,
        { organizationId, userId, lastActivityAt: fact.at },
        recorded,
        { statements: 1, timeSpentSeconds: fact.durationSeconds, scoreSum: fact.scaledScore ?? 0, scoreCount: fact.scaledScore === null ? 0 : 1 },
        { $max: { lastActivityAt: fact.at } },
      ),
    );
    const facts: Record<string, unknown>[] = [];
    const statementId = (recorded as unknown as XapiStatementEvent).data.statementId;
    if (completion) facts.push({ type: 'completion', at: fact.at, date, userId, activityIri: fact.activityIri, statementId });
    if (fact.scaledScore !== null) facts.push({ type: 'score', at: fact.at, date, userId, activityIri: fact.activityIri, scaled: fact.scaledScore, statementId });
    ops.push(...facts.map((f, i) => factOp(recorded, organizationId, i, f)));
    if (fact.activityIri !== null) {
      // One write whatever arrives in which order: the first statement starts, the earliest completion completes.
      // ($min sets a field that is absent; a field may not be in $setOnInsert and $min at once.)
      const first = { $setOnInsert: { organizationId, userId, activityIri: fact.activityIri }, $min: { startedAt: fact.at, ...(completion ? { completedAt: fact.at } : {}) } };
      ops.push({ collection: LEARNER_ACTIVITIES, updateOne: { filter: { _id: `${organizationId}|${userId}|${fact.activityIri}` }, update: first, upsert: true } });
    }
    if (completion) ops.push(...counter(CONTENT_DAYS, `${organizationId}|${date}|${fact.activityIri}`, { organizationId, date, activityIri: fact.activityIri }, recorded, { completions: 1 }));
    return ops;
  },
};

/** A fact of the feed, written once (a redelivered event writes the same document). */
function factOp(recorded: RecordedEvent, organizationId: string, seq: number, body: Record<string, unknown>): CollectionWriteOp {
  return { collection: ANALYTICS_FACTS, updateOne: { filter: { _id: `${organizationId}|${recorded.position}|${seq}` }, update: { $setOnInsert: { organizationId, cursor: recorded.position, seq, ...body } }, upsert: true } };
}

/**
 * An assignment's fact: who it was given to (or extended to, or cancelled for), and when
 * it is due; a move to a new time zone gives each moved assignment its new due instant.
 */
function assignmentFactOps(recorded: RecordedEvent): CollectionWriteOp[] {
  const at = (recorded.metadata.occurredAt as string | undefined) ?? recorded.recordedAt;
  if (recorded.type === 'DueDatesRescheduled') {
    const { organizationId, assignments } = (recorded as unknown as Extract<LibraryEvent, { type: 'DueDatesRescheduled' }>).data;
    return assignments.map((a, seq) => factOp(recorded, organizationId, seq, { type: 'assignment-rescheduled', at, assignmentId: a.assignmentId, activityId: a.activityId, userIds: [], dueAt: a.after.at }));
  }
  const d = recorded.data as Record<string, unknown> & { organizationId: string; assignmentId: string; activityId: string };
  const common = { at, assignmentId: d.assignmentId, activityId: d.activityId };
  const body =
    recorded.type === 'ActivityAssigned'
      ? { type: 'assignment', ...common, userIds: d.learners, dueAt: (d.due as { at: string } | null)?.at ?? null }
      : recorded.type === 'AssignmentExtended'
        ? { type: 'assignment-extended', ...common, userIds: d.userIds }
        : { type: 'assignment-cancelled', ...common, userIds: [] };
  return [factOp(recorded, d.organizationId, 0, body)];
}
