import { describe, expect, test } from '@jest/globals';
import { libraryDecider, type AssignmentTarget, type Due, type LibraryEvent } from '../content/library.js';
import { fold } from '../shared/decider.js';
import { nextDayClosing, timeZoneChangeOf } from './changing-time-zone.js';

/**
 * Changing the organization's time zone (issue 22): due dates keep their local date and
 * time in the new zone, by the new zone's rules on that date. The instants below are
 * written out from the zones' rules: London is GMT until Mar 28, 2027 and BST until Oct
 * 31, 2027, 01:00 UTC; New York is EST until Mar 14, 2027, 02:00 (clocks skip to 03:00)
 * and EDT until Nov 7, 2027; Tokyo is UTC+9 all year.
 */
const org = 'o1';
const NOW = '2026-12-01T12:00:00.000Z';
const london = (date: string, time: string, at: string): Due => ({ date, time, timeZone: 'Europe/London', at });
const newYork = (date: string, time: string, at: string): Due => ({ date, time, timeZone: 'America/New_York', at });

const added: LibraryEvent = { type: 'ActivityAdded', data: { organizationId: org, activityId: 'greet', kind: 'private', license: null, title: 'Greetings', category: null, languageId: null, activityIri: 'https://school.test/greetings' } };
const assigned = (assignmentId: string, target: AssignmentTarget, learners: string[], due: Due | null): LibraryEvent => ({
  type: 'ActivityAssigned',
  data: { organizationId: org, assignmentId, activityId: 'greet', target, learners, due, assignedAt: '2026-11-01T09:00:00.000Z' },
});

/** A school in London with due dates on both sides of New York's and London's DST changes. */
const history: LibraryEvent[] = [
  added,
  assigned('a1', { kind: 'class', classId: 'c1' }, ['ann', 'max'], london('2027-03-10', '17:00', '2027-03-10T17:00:00.000Z')),
  assigned('a2', { kind: 'team', teamId: 't1' }, ['ann', 'max', 'mia'], london('2027-03-20', '17:00', '2027-03-20T17:00:00.000Z')),
  // 02:30 on the night New York's clocks skip from 02:00 to 03:00.
  assigned('a3', { kind: 'members', userIds: ['mia'] }, ['mia'], london('2027-03-14', '02:30', '2027-03-14T02:30:00.000Z')),
  // 01:30 on the night London's clocks go back: it happens twice there; the first (BST) was taken.
  assigned('a4', { kind: 'everyone' }, ['ann', 'max', 'mia', 'lee'], london('2027-10-31', '01:30', '2027-10-31T00:30:00.000Z')),
  // Due yesterday: history, it stays.
  assigned('a5', { kind: 'members', userIds: ['ann'] }, ['ann'], london('2026-11-30', '17:00', '2026-11-30T17:00:00.000Z')),
  assigned('a6', { kind: 'members', userIds: ['max'] }, ['max'], london('2027-01-15', '23:59', '2027-01-15T23:59:00.000Z')),
  { type: 'AssignmentCancelled', data: { organizationId: org, assignmentId: 'a6', activityId: 'greet', freed: [] } },
  assigned('a7', { kind: 'members', userIds: ['lee'] }, ['lee'], null),
  // Today at 14:00 in London: two hours from now.
  assigned('a8', { kind: 'class', classId: 'c2' }, ['lee'], london('2026-12-01', '14:00', '2026-12-01T14:00:00.000Z')),
];
const library = fold(libraryDecider, history);

describe('moving the due dates to a new zone', () => {
  test('each open due date still ahead keeps its local date and time, by the new zone\'s rules on that date; passed, cancelled and undated ones stay', () => {
    const decided = libraryDecider.decide({ type: 'RescheduleDueDates', data: { organizationId: org, timeZone: 'America/New_York', now: NOW, limit: 500 } }, library);
    expect(decided).toHaveLength(1);
    const moved = Object.fromEntries((decided[0].data as { assignments: { assignmentId: string; after: Due }[] }).assignments.map((a) => [a.assignmentId, a.after]));
    expect(moved).toEqual({
      a1: newYork('2027-03-10', '17:00', '2027-03-10T22:00:00.000Z'), // EST, before New York's change
      a2: newYork('2027-03-20', '17:00', '2027-03-20T21:00:00.000Z'), // EDT, after it (London still GMT)
      a3: newYork('2027-03-14', '02:30', '2027-03-14T07:30:00.000Z'), // skipped: 03:30 EDT, as the clock shows after the gap
      a4: newYork('2027-10-31', '01:30', '2027-10-31T05:30:00.000Z'), // EDT (New York goes back a week later)
      a8: newYork('2026-12-01', '14:00', '2026-12-01T19:00:00.000Z'),
    });
    const after = fold(libraryDecider, decided, library);
    expect(after.assignments.get('a3')).toMatchObject({ due: moved.a3, version: 1 });
    expect(after.assignments.get('a5')!.due!.at).toBe('2026-11-30T17:00:00.000Z');
    // Nothing left to move: the reactor and the request may both run it.
    expect(libraryDecider.decide({ type: 'RescheduleDueDates', data: { organizationId: org, timeZone: 'America/New_York', now: NOW, limit: 500 } }, after)).toEqual([]);
  });

  test('at most `limit` per decision; the next decision moves the rest', () => {
    const command = { type: 'RescheduleDueDates' as const, data: { organizationId: org, timeZone: 'Asia/Tokyo', now: NOW, limit: 2 } };
    const first = libraryDecider.decide(command, library);
    const second = libraryDecider.decide(command, fold(libraryDecider, first, library));
    const third = libraryDecider.decide(command, fold(libraryDecider, [...first, ...second], library));
    const ids = (events: LibraryEvent[]) => events.flatMap((e) => (e.data as { assignments: { assignmentId: string }[] }).assignments.map((a) => a.assignmentId));
    expect([ids(first).length, ids(second).length, ids(third).length]).toEqual([2, 2, 1]);
    expect([...ids(first), ...ids(second), ...ids(third)].sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'a8']);
  });
});

describe('what a change answers', () => {
  test('London to New York: two classes, five assignments, eleven learners\' due dates; the moved ones soonest first; the next closing at New York\'s midnight', () => {
    const change = timeZoneChangeOf({ library, before: 'Europe/London', after: 'America/New_York', now: NOW, lastClosed: '2026-11-30' });
    expect(change.shifts).toEqual({ classes: 2, assignments: 5, dueDates: 11, dueAtOnce: 0 });
    expect(change.assignments.map((a) => [a.assignmentId, a.before.at, a.after.at, a.learners])).toEqual([
      ['a8', '2026-12-01T14:00:00.000Z', '2026-12-01T19:00:00.000Z', 1],
      ['a1', '2027-03-10T17:00:00.000Z', '2027-03-10T22:00:00.000Z', 2],
      ['a3', '2027-03-14T02:30:00.000Z', '2027-03-14T07:30:00.000Z', 1],
      ['a2', '2027-03-20T17:00:00.000Z', '2027-03-20T21:00:00.000Z', 3],
      ['a4', '2027-10-31T00:30:00.000Z', '2027-10-31T05:30:00.000Z', 4],
    ]);
    expect(change.nextDayClosing).toEqual({
      before: { date: '2026-12-01', timeZone: 'Europe/London', at: '2026-12-02T00:00:00.000Z' },
      after: { date: '2026-12-01', timeZone: 'America/New_York', at: '2026-12-02T05:00:00.000Z' },
    });
  });

  test('to Tokyo: today 14:00 is already past there, so that assignment is due at once; a zone with the same instant moves nothing', () => {
    const tokyo = timeZoneChangeOf({ library, before: 'Europe/London', after: 'Asia/Tokyo', now: NOW, lastClosed: '2026-11-30' });
    expect(tokyo.shifts).toEqual({ classes: 2, assignments: 5, dueDates: 11, dueAtOnce: 1 });
    expect(tokyo.assignments[0]).toMatchObject({ assignmentId: 'a8', after: { date: '2026-12-01', time: '14:00', timeZone: 'Asia/Tokyo', at: '2026-12-01T05:00:00.000Z' } });
    // Lisbon keeps London's rules: every instant stays, so nothing is said to shift.
    expect(timeZoneChangeOf({ library, before: 'Europe/London', after: 'Europe/Lisbon', now: NOW, lastClosed: null }).shifts).toEqual({ classes: 0, assignments: 0, dueDates: 0, dueAtOnce: 0 });
  });
});

describe('the next closing of the day', () => {
  test('a 23-hour day (New York, Mar 14, 2027) ends at 04:00 UTC, London\'s same date at midnight UTC', () => {
    expect(nextDayClosing('2027-03-13', 'America/New_York', '2027-03-14T12:00:00.000Z')).toEqual({ date: '2027-03-14', timeZone: 'America/New_York', at: '2027-03-15T04:00:00.000Z' });
    expect(nextDayClosing('2027-03-13', 'Europe/London', '2027-03-14T12:00:00.000Z')).toEqual({ date: '2027-03-14', timeZone: 'Europe/London', at: '2027-03-15T00:00:00.000Z' });
    // The 25-hour Nov 7, 2027 in New York: its midnight after is 05:00 UTC.
    expect(nextDayClosing('2027-11-06', 'America/New_York', '2027-11-07T12:00:00.000Z').at).toBe('2027-11-08T05:00:00.000Z');
  });

  test('moving back (Tokyo to New York) does not close a date again: the next is the day after the last closed', () => {
    // Tokyo closed Dec 1 at 15:00 UTC; at 16:00 UTC it is still Dec 1 in New York.
    expect(nextDayClosing('2026-12-01', 'America/New_York', '2026-12-01T16:00:00.000Z')).toEqual({ date: '2026-12-02', timeZone: 'America/New_York', at: '2026-12-03T05:00:00.000Z' });
  });

  test('a day already over when the zone changes closes at once; with none closed yet, today is next', () => {
    expect(nextDayClosing('2026-11-29', 'America/New_York', NOW)).toEqual({ date: '2026-11-30', timeZone: 'America/New_York', at: NOW });
    expect(nextDayClosing(null, 'Asia/Tokyo', NOW)).toEqual({ date: '2026-12-01', timeZone: 'Asia/Tokyo', at: '2026-12-01T15:00:00.000Z' });
  });
});
