import { describe, expect, test } from '@jest/globals';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import { created, invited, org, school, setUp, spec } from '../testing/school.js';

describe('Editing users', () => {
  test('records changed names and roles, with the profile after the edit', () => {
    spec(school).when({ type: 'EditUser', data: { userId: 'cal', actorId: 'ann', firstName: 'Calvin', lastName: 'Doe', roles: ['instructor', 'admin'] } }).then([
      {
        type: 'UserEdited',
        data: {
          organizationId: org,
          userId: 'cal',
          changes: { firstName: { before: 'CAL', after: 'Calvin' }, roles: { before: ['instructor'], after: ['admin', 'instructor'] } },
          profile: { firstName: 'Calvin', lastName: 'Doe', roles: ['admin', 'instructor'] },
        },
      },
    ]);
  });

  test('an edit that changes nothing writes nothing', () => {
    spec(school).when({ type: 'EditUser', data: { userId: 'cal', actorId: 'ann', firstName: ' CAL ', lastName: 'Doe', roles: ['instructor'] } }).thenNothingHappens();
  });

  test('at least one role', () => {
    spec(school).when({ type: 'EditUser', data: { userId: 'cal', actorId: 'ann', firstName: 'C', lastName: 'D', roles: [] } }).thenFails('invalid-user', { fields: ['roles'] });
  });

  test('refuses to remove the instructor role while classes are active, listing them', () => {
    spec(school).when({ type: 'EditUser', data: { userId: 'cal', actorId: 'ann', firstName: 'CAL', lastName: 'Doe', roles: ['admin'] } }).thenFails('instructor-has-active-classes', {
      kind: 'conflict',
      details: { classes: [{ id: 'algebra', name: 'Algebra' }, { id: 'biology', name: 'Biology' }] },
    });
  });

  test('allows removing the instructor role once the classes are archived', () => {
    const archived: OrganizationEvent[] = ['algebra', 'biology'].map((classId) => ({ type: 'ClassArchived', data: { organizationId: org, classId } }));
    const events = organizationDecider.decide(
      { type: 'EditUser', data: { userId: 'cal', actorId: 'ann', firstName: 'CAL', lastName: 'Doe', roles: ['admin'] } },
      [...school, ...archived].reduce(organizationDecider.evolve, organizationDecider.initialState()),
    );
    expect(events.map((e) => e.type)).toEqual(['UserEdited']);
  });

  test('refuses to remove your own admin role', () => {
    spec(school).when({ type: 'EditUser', data: { userId: 'bea', actorId: 'bea', firstName: 'BEA', lastName: 'Doe', roles: ['instructor'] } }).thenFails('cannot-remove-own-admin-role', { kind: 'conflict' });
  });

  test('another admin may remove your admin role while an active admin remains', () => {
    spec(school).when({ type: 'EditUser', data: { userId: 'bea', actorId: 'ann', firstName: 'BEA', lastName: 'Doe', roles: ['instructor'] } }).then([
      {
        type: 'UserEdited',
        data: { organizationId: org, userId: 'bea', changes: { roles: { before: ['admin', 'instructor'], after: ['instructor'] } }, profile: { firstName: 'BEA', lastName: 'Doe', roles: ['instructor'] } },
      },
    ]);
  });

  test('keeps at least one active admin', () => {
    const onlyAnn = [created, invited('ann', ['admin']), setUp('ann'), invited('zed', ['admin'])];
    spec(onlyAnn).when({ type: 'EditUser', data: { userId: 'ann', actorId: 'super', firstName: 'ANN', lastName: 'Doe', roles: ['instructor'] } }).thenFails('organization-needs-an-active-admin');
  });

  test('an unknown user is not found', () => {
    spec(school).when({ type: 'EditUser', data: { userId: 'nobody', actorId: 'ann', firstName: 'A', lastName: 'B', roles: ['admin'] } }).thenFails('user-not-found', { kind: 'not-found' });
  });
});
