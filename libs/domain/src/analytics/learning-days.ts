import type { Decider, DomainEvent } from '../shared/decider.js';
import { eventTypes } from '../shared/decider.js';
import { localDateTimeToInstant } from '../shared/local-time.js';

/**
 * The calendar the reports count in (issue 19): days, ISO weeks and months of the
 * organization's time zone. A day is a local date, so a day of a DST change is 23 or 25
 * hours long and still one day. Dates are `YYYY-MM-DD` strings; the arithmetic is done on
 * UTC noon of the date, which no offset can move to another date.
 */
export type PeriodKind = 'day' | 'week' | 'month';
export const PERIOD_KINDS: readonly PeriodKind[] = ['day', 'week', 'month'];

export interface Period {
  kind: PeriodKind;
  /** `d:2026-03-29`, `w:2026-W13`, `m:2026-03`: the key the read models count by. */
  key: string;
  /** The first local date in it. */
  start: string;
  /** The first local date after it. */
  end: string;
}

const DAY_MS = 86_400_000;
const noon = (date: string): number => Date.parse(`${date}T12:00:00Z`);
const dateAt = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string => dateAt(noon(date) + days * DAY_MS);

/** The ISO 8601 week of a date: `2026-W53`, the year being the week's (which may differ from the date's at New Year). */
export function isoWeekOf(date: string): string {
  const ms = noon(date);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = ms + (3 - weekday) * DAY_MS; // the week's Thursday decides its year
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1, 12)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The period of a kind that contains a date. */
export function periodContaining(kind: PeriodKind, date: string): Period {
  if (kind === 'day') return { kind, key: `d:${date}`, start: date, end: addDays(date, 1) };
  if (kind === 'week') {
    const weekday = (new Date(noon(date)).getUTCDay() + 6) % 7;
    const start = addDays(date, -weekday);
    return { kind, key: `w:${isoWeekOf(date)}`, start, end: addDays(start, 7) };
  }
  const start = `${date.slice(0, 7)}-01`;
  const next = new Date(noon(start));
  next.setUTCMonth(next.getUTCMonth() + 1);
  return { kind, key: `m:${date.slice(0, 7)}`, start, end: dateAt(next.getTime()) };
}

/** The period just before. */
export const previousPeriod = (period: Period): Period => periodContaining(period.kind, addDays(period.start, -1));

/** The keys of every period a date counts in. */
export const periodKeysOf = (date: string): string[] => PERIOD_KINDS.map((kind) => periodContaining(kind, date).key);

/** The dates from `start` up to (not including) `end`. */
export function datesBetween(start: string, end: string): string[] {
  const dates: string[] = [];
  for (let date = start; date < end; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** The instant a local date begins in a zone (a midnight a DST change skips begins at the first instant that exists). */
export const startOfLocalDate = (date: string, timeZone: string): number => localDateTimeToInstant(date, '00:00', timeZone);

/** The change of a figure against the period before: up, down or unchanged, with the percentage (none from zero). */
export interface Change {
  direction: 'up' | 'down' | 'unchanged';
  /** Rounded to one decimal; null when the previous figure is 0 (no percentage of nothing). */
  percent: number | null;
  previous: number;
}

export function changeOf(current: number, previous: number): Change {
  const direction = current > previous ? 'up' : current < previous ? 'down' : 'unchanged';
  return { direction, percent: previous === 0 ? (current === 0 ? 0 : null) : Math.round(((current - previous) / previous) * 1000) / 10, previous };
}

// ---- Closing the day ----------------------------------------------------------------

/**
 * A closed day's figures: counted once the day is over in the organization's time zone,
 * and kept as an event, so period comparisons use figures that no longer move and a
 * rebuild of the read models gives the same ones.
 */
export interface DayFigures {
  activeLearners: number;
  statements: number;
  completions: number;
  timeSpentSeconds: number;
}

export const learningDaysStreamName = (organizationId: string): string => `learning-days-${organizationId}`;

export type LearningDayCommand = { type: 'CloseLearningDay'; data: { organizationId: string; date: string; timeZone: string; figures: DayFigures; now: string } };

export type LearningDayEvent = DomainEvent<'LearningDayClosed', { organizationId: string; date: string; timeZone: string; closedAt: string } & DayFigures>;

export const LEARNING_DAY_EVENT_TYPES = eventTypes<LearningDayEvent>({ LearningDayClosed: true });

export interface LearningDaysState {
  lastClosed: string | null;
}

/**
 * The organization's closed days, one stream each: a date is closed once, in order. A
 * second close of a date (another process, a rerun after a crash) decides nothing, so
 * the job is idempotent however often it runs.
 */
export const learningDaysDecider: Decider<LearningDayCommand, LearningDayEvent, LearningDaysState> = {
  initialState: () => ({ lastClosed: null }),
  evolve: (state, event) => ({ lastClosed: state.lastClosed === null || event.data.date > state.lastClosed ? event.data.date : state.lastClosed }),
  decide(command, state) {
    const { organizationId, date, timeZone, figures, now } = command.data;
    if (state.lastClosed !== null && date <= state.lastClosed) return [];
    return [{ type: 'LearningDayClosed', data: { organizationId, date, timeZone, closedAt: now, ...figures } }];
  },
};

// ---- Benchmarks ---------------------------------------------------------------------

export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
}

/**
 * Quartiles by linear interpolation between the closest ranks (the method of R's default
 * and Excel's QUARTILE.INC), rounded to two decimals; null for no values.
 */
export function quartilesOf(values: readonly number[]): Quartiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    const h = (sorted.length - 1) * p;
    const low = Math.floor(h);
    return sorted[low] + (h - low) * ((sorted[Math.min(low + 1, sorted.length - 1)] ?? sorted[low]) - sorted[low]);
  };
  const r = (n: number) => Math.round(n * 100) / 100;
  return { q1: r(at(0.25)), median: r(at(0.5)), q3: r(at(0.75)) };
}

/** Where a value stands against the organization's quartiles. */
export function benchmarkPosition(value: number, q: Quartiles): 'top-quartile' | 'above-median' | 'median' | 'below-median' | 'bottom-quartile' {
  if (value > q.q3) return 'top-quartile';
  if (value < q.q1) return 'bottom-quartile';
  if (value > q.median) return 'above-median';
  if (value < q.median) return 'below-median';
  return 'median';
}
