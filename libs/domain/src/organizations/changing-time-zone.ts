import { addDays, startOfLocalDate } from '../analytics/learning-days.js';
import { dueDatesToMove, type AssignmentTarget, type Due, type LibraryState } from '../content/library.js';
import { localDateOf } from '../shared/local-time.js';

/**
 * What changing the organization's time zone moves (issue 22; the guide: "Organization
 * time zone wrong: select the correct time zone. Warning: Existing lesson dates may be
 * affected"). An admin UI shows it before saving (`?dryRun=true`), and the change answers
 * it.
 *
 * - Due dates keep their local date and time: an assignment due Friday 17:00 stays due
 *   Friday 17:00 where the school is, so its instant moves by the difference between the
 *   zones on that Friday (not today's difference: DST may differ between now and then).
 * - Due dates already passed stay as they were. One still ahead may be over at once in the
 *   new zone (`dueAtOnce`).
 * - Classes carry no time of their own; a class is shifted when an assignment given to it
 *   moves.
 * - The day closing ("Daily Review") follows the new zone's midnight from the next day it
 *   closes.
 */
export interface MovedDueDate {
  assignmentId: string;
  activityId: string;
  target: AssignmentTarget;
  learners: number;
  before: Due;
  after: Due;
}

/** The next day the closing job closes, and when: the end of that local day, or now when that is past (it closes at its next run, within a minute). */
export interface DayClosing {
  date: string;
  timeZone: string;
  at: string;
}

export interface TimeZoneChange {
  before: string;
  after: string;
  shifts: {
    /** Active or not, classes an assignment whose due date moves was given to. */
    classes: number;
    /** Open assignments whose due date moves to another instant. */
    assignments: number;
    /** Their learners' due dates: each learner of each such assignment. */
    dueDates: number;
    /** Of those assignments, the ones the change makes due at once (their local time is already past in the new zone). */
    dueAtOnce: number;
  };
  /** The moved assignments, soonest due first (at most `listed`). */
  assignments: MovedDueDate[];
  nextDayClosing: { before: DayClosing; after: DayClosing };
}

/**
 * The next closing of the day in a zone, for an organization whose last closed day is
 * `lastClosed` (null: none yet, so today is the next to close). Days close in order, so
 * after a change to a zone behind the old one, a date closed already is not closed again
 * and the next closing is the day after it.
 */
export function nextDayClosing(lastClosed: string | null, timeZone: string, now: string): DayClosing {
  const date = lastClosed === null ? localDateOf(Date.parse(now), timeZone) : addDays(lastClosed, 1);
  const ends = startOfLocalDate(addDays(date, 1), timeZone);
  return { date, timeZone, at: new Date(Math.max(ends, Date.parse(now))).toISOString() };
}

/** What a change from `before` to `after` moves at `now`, on the library's state and the organization's closed days. */
export function timeZoneChangeOf(input: { library: LibraryState; before: string; after: string; now: string; lastClosed: string | null; listed?: number }): TimeZoneChange {
  const { library, before, after, now, lastClosed } = input;
  const moved: MovedDueDate[] = dueDatesToMove(library, after, now)
    .filter(({ assignment, after: due }) => due.at !== assignment.due!.at)
    .map(({ assignment: a, after: due }) => ({ assignmentId: a.id, activityId: a.activityId, target: a.target, learners: a.learners.length, before: a.due!, after: due }))
    .sort((x, y) => x.after.at.localeCompare(y.after.at) || x.assignmentId.localeCompare(y.assignmentId));
  const classes = new Set(moved.flatMap((m) => (m.target.kind === 'class' ? [m.target.classId] : [])));
  return {
    before,
    after,
    shifts: {
      classes: classes.size,
      assignments: moved.length,
      dueDates: moved.reduce((sum, m) => sum + m.learners, 0),
      dueAtOnce: moved.filter((m) => Date.parse(m.after.at) <= Date.parse(now)).length,
    },
    assignments: moved.slice(0, input.listed ?? 100),
    nextDayClosing: { before: nextDayClosing(lastClosed, before, now), after: nextDayClosing(lastClosed, after, now) },
  };
}
