import { describe, expect, test } from '@jest/globals';
import { monthsBetween, retentionDecider, retentionPlan } from './retention.js';

const none = { accessRecordMonths: new Set<string>(), learningRecordMonths: new Set<string>() };
const policy = { accessRecordsDays: 30, deactivatedMembersDays: 90, learningRecordsDays: null };

describe('Retention (issue 20)', () => {
  test('months run across a year\'s end, both ends included', () => {
    expect(monthsBetween('2026-11-20T10:00:00Z', '2027-02-01T00:00:00Z')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });

  test('a month is due once it ended its days ago; a member once deactivated their days ago; null keeps for good', () => {
    const plan = (now: string) =>
      retentionPlan({ policy, now, since: '2026-10-05T00:00:00Z', state: none, deactivated: [{ userId: 'b', deactivatedAt: '2026-11-01T00:00:00Z' }, { userId: 'a', deactivatedAt: '2026-09-01T00:00:00Z' }] });
    // October ended 2026-11-01: 30 days later is 2026-12-01.
    expect(plan('2026-11-30T23:59:59Z')).toEqual({ deactivatedBefore: '2026-09-01T23:59:59.000Z', accessRecordMonths: [], learningRecordMonths: [], members: ['a'] });
    expect(plan('2026-12-01T00:00:00Z')).toMatchObject({ accessRecordMonths: ['2026-10'], learningRecordMonths: [], members: ['a'] });
    expect(plan('2027-01-31T00:00:00Z')).toMatchObject({ accessRecordMonths: ['2026-10', '2026-11', '2026-12'], members: ['a', 'b'] });
    expect(retentionPlan({ policy: { accessRecordsDays: null, deactivatedMembersDays: null, learningRecordsDays: null }, now: '2030-01-01T00:00:00Z', since: '2026-10-05T00:00:00Z', state: none, deactivated: [{ userId: 'a', deactivatedAt: '2026-09-01T00:00:00Z' }] })).toEqual({
      deactivatedBefore: null,
      accessRecordMonths: [],
      learningRecordMonths: [],
      members: [],
    });
  });

  test('a month recorded as erased is not planned or recorded again; a run with nothing to erase records nothing', () => {
    const first = retentionDecider.decide({ type: 'ApplyRetention', data: { organizationId: 'o', now: 'n', accessRecordMonths: ['2026-10'], learningRecordKeys: { '2026-10': 'h:k' }, erasedMembers: [] } }, retentionDecider.initialState());
    expect(first).toEqual([{ type: 'RetentionApplied', data: { organizationId: 'o', appliedAt: 'n', accessRecordMonths: ['2026-10'], learningRecordKeys: { '2026-10': 'h:k' }, erasedMembers: [] } }]);
    const state = retentionDecider.evolve(retentionDecider.initialState(), first[0]);
    expect(retentionDecider.decide({ type: 'ApplyRetention', data: { organizationId: 'o', now: 'n2', accessRecordMonths: ['2026-10'], learningRecordKeys: { '2026-10': 'h:k' }, erasedMembers: [] } }, state)).toEqual([]);
    expect(retentionPlan({ policy, now: '2026-12-01T00:00:00Z', since: '2026-10-05T00:00:00Z', state, deactivated: [] }).accessRecordMonths).toEqual([]);
  });
});
