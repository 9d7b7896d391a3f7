import { describe, expect, test } from '@jest/globals';
import { organizationDecider } from '../organizations/organization.decider.js';
import { reassignmentCandidates } from './membership.js';
import { created, invited, org, school, setUp, spec } from '../testing/school.js';

describe('Deactivating and reactivating', () => {
  test('moves every active class to the chosen instructor before deactivating, in one decision', () => {
    spec(school).when({ type: 'DeactivateUser', data: { userId: 'cal', actorId: 'ann', reassignTo: 'bea' } }).then([
      { type: 'ClassReassigned', data: { organizationId: org, classId: 'algebra', fromInstructorId: 'cal', toInstructorId: 'bea' } },
      { type: 'ClassReassigned', data: { organizationId: org, classId: 'biology', fromInstructorId: 'cal', toInstructorId: 'bea' } },
      { type: 'UserDeactivated', data: { organizationId: org, userId: 'cal', classesReassignedTo: 'bea' } },
    ]);
  });

  test('requires a reassignment target when classes are active, listing them', () => {
    spec(school).when({ type: 'DeactivateUser', data: { userId: 'cal', actorId: 'ann' } }).thenFails('reassignment-required', {
      kind: 'rule',
      details: { classes: [{ id: 'algebra', name: 'Algebra' }, { id: 'biology', name: 'Biology' }] },
    });
  });

  test.each([
    ['the user being deactivated', 'cal'],
    ['a user who has not set a password', 'dan'],
    ['a deactivated instructor', 'eve'],
    ['an admin who is not an instructor', 'ann'],
    ['someone outside the organization', 'stranger'],
  ])('refuses to reassign to %s', (_label, reassignTo) => {
    spec(school).when({ type: 'DeactivateUser', data: { userId: 'cal', actorId: 'ann', reassignTo } }).thenFails('invalid-reassignment-target', { fields: ['reassignTo'] });
  });

  test('the candidates are exactly the active instructors with a password, other than the leaving user', () => {
    const state = school.reduce(organizationDecider.evolve, organizationDecider.initialState());
    if (state.status !== 'existing') throw new Error('no state');
    expect(reassignmentCandidates(state, 'cal').map((m) => m.id)).toEqual(['bea']);
  });

  test('a user without active classes is deactivated without a target', () => {
    spec(school).when({ type: 'DeactivateUser', data: { userId: 'bea', actorId: 'ann' } }).then([
      { type: 'UserDeactivated', data: { organizationId: org, userId: 'bea', classesReassignedTo: null } },
    ]);
  });

  test('you cannot deactivate yourself', () => {
    spec(school).when({ type: 'DeactivateUser', data: { userId: 'ann', actorId: 'ann' } }).thenFails('cannot-deactivate-yourself', { kind: 'conflict' });
  });

  test('the last active admin cannot be deactivated', () => {
    const events = [created, invited('ann', ['admin']), setUp('ann'), invited('ted', ['instructor']), setUp('ted')];
    spec(events).when({ type: 'DeactivateUser', data: { userId: 'ann', actorId: 'super' } }).thenFails('organization-needs-an-active-admin');
  });

  test('a pending user is deleted, not deactivated; deactivating twice writes nothing', () => {
    spec(school).when({ type: 'DeactivateUser', data: { userId: 'dan', actorId: 'ann' } }).thenFails('only-active-users-can-be-deactivated');
    spec(school).when({ type: 'DeactivateUser', data: { userId: 'eve', actorId: 'ann' } }).thenNothingHappens();
  });

  test('reactivating makes the user active again and brings no classes back', () => {
    spec(school).when({ type: 'ReactivateUser', data: { userId: 'eve' } }).then([{ type: 'UserReactivated', data: { organizationId: org, userId: 'eve' } }]);
    spec(school).when({ type: 'ReactivateUser', data: { userId: 'cal' } }).thenNothingHappens();
    spec(school).when({ type: 'ReactivateUser', data: { userId: 'dan' } }).thenFails('only-deactivated-users-can-be-reactivated');
  });
});
