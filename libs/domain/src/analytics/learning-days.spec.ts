import { describe, expect, test } from '@jest/globals';
import { fold } from '../shared/decider.js';
import { changeOf, isoWeekOf, learningDaysDecider, periodContaining, previousPeriod, startOfLocalDate } from './learning-days.js';

describe('the calendar the reports count in', () => {
  test('ISO weeks at the turn of the year (the week belongs to the year of its Thursday)', () => {
    // Published ISO calendars: 2026-01-01 is a Thursday; 2027-01-01 a Friday; 2021-01-03 a Sunday; 2024-12-30 a Monday.
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekOf('2026-11-01')).toBe('2026-W44');
  });

  test('periods: a week runs Monday to Sunday, a month from its first day; the one before', () => {
    expect(periodContaining('week', '2026-11-01')).toEqual({ kind: 'week', key: 'w:2026-W44', start: '2026-10-26', end: '2026-11-02' });
    expect(periodContaining('month', '2024-02-10')).toEqual({ kind: 'month', key: 'm:2024-02', start: '2024-02-01', end: '2024-03-01' });
    expect(previousPeriod(periodContaining('month', '2026-01-15'))).toEqual({ kind: 'month', key: 'm:2025-12', start: '2025-12-01', end: '2026-01-01' });
    expect(previousPeriod(periodContaining('day', '2026-03-01'))).toEqual({ kind: 'day', key: 'd:2026-02-28', start: '2026-02-28', end: '2026-03-01' });
  });

  test('a day of a DST change is 23 or 25 hours long', () => {
    const hours = (date: string, next: string) => (startOfLocalDate(next, 'America/New_York') - startOfLocalDate(date, 'America/New_York')) / 3_600_000;
    expect(hours('2026-03-08', '2026-03-09')).toBe(23);
    expect(hours('2026-11-01', '2026-11-02')).toBe(25);
    expect(hours('2026-11-02', '2026-11-03')).toBe(24);
  });

  test('a change: up, down or unchanged, with the percentage of the previous figure (none of nothing)', () => {
    expect(changeOf(15, 10)).toEqual({ direction: 'up', percent: 50, previous: 10 });
    expect(changeOf(2, 3)).toEqual({ direction: 'down', percent: -33.3, previous: 3 });
    expect(changeOf(4, 4)).toEqual({ direction: 'unchanged', percent: 0, previous: 4 });
    expect(changeOf(4, 0)).toEqual({ direction: 'up', percent: null, previous: 0 });
  });
});

describe('closing a day', () => {
  const close = (date: string) => ({ type: 'CloseLearningDay' as const, data: { organizationId: 'o', date, timeZone: 'UTC', figures: { activeLearners: 1, statements: 2, completions: 0, timeSpentSeconds: 60 }, now: '2026-12-01T00:00:00Z' } });

  test('a date closes once: again, or an earlier one, decides nothing', () => {
    const closed = learningDaysDecider.decide(close('2026-11-01'), learningDaysDecider.initialState());
    expect(closed).toEqual([{ type: 'LearningDayClosed', data: { organizationId: 'o', date: '2026-11-01', timeZone: 'UTC', closedAt: '2026-12-01T00:00:00Z', activeLearners: 1, statements: 2, completions: 0, timeSpentSeconds: 60 } }]);
    const state = fold(learningDaysDecider, closed);
    expect(learningDaysDecider.decide(close('2026-11-01'), state)).toEqual([]);
    expect(learningDaysDecider.decide(close('2026-10-31'), state)).toEqual([]);
    expect(learningDaysDecider.decide(close('2026-11-02'), state)).toHaveLength(1);
  });
});

describe('benchmarks', () => {
  test('quartiles by linear interpolation (R type 7): 1..5 gives 2, 3, 4; four values interpolate', async () => {
    const { quartilesOf, benchmarkPosition } = await import('./learning-days.js');
    expect(quartilesOf([5, 1, 4, 2, 3])).toEqual({ q1: 2, median: 3, q3: 4 });
    // R: quantile(c(1, 2, 4, 10), c(.25, .5, .75)) = 1.75, 3, 5.5
    expect(quartilesOf([10, 1, 4, 2])).toEqual({ q1: 1.75, median: 3, q3: 5.5 });
    expect(quartilesOf([])).toBeNull();
    const q = { q1: 1.75, median: 3, q3: 5.5 };
    expect([10, 4, 3, 2, 1].map((v) => benchmarkPosition(v, q))).toEqual(['top-quartile', 'above-median', 'median', 'below-median', 'bottom-quartile']);
  });
});
