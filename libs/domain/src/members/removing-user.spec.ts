import { describe, test } from '@jest/globals';
import type { OrganizationEvent } from '../organizations/organization.js';
import { now, org, school, spec } from '../testing/school.js';

/** The school: ann (admin), bea (admin and instructor), cal (instructor, teaches algebra and biology), dan (pending), eve (deactivated). */
const team: OrganizationEvent = { type: 'TeamCreated', data: { organizationId: org, teamId: 't1', name: 'Lab', description: null, departmentId: null, leaderIds: ['cal', 'bea'] } };
const inTeam: OrganizationEvent = { type: 'TeamMembersAdded', data: { organizationId: org, teamId: 't1', userIds: ['cal'] } };

describe('Removing a member (issue 20)', () => {
  test('keep: the membership ends (deactivated, out of their teams, leadership ended)', () => {
    spec([...school, team, inTeam])
      .when({ type: 'RemoveUser', data: { userId: 'bea', actorId: 'ann', dataHandling: 'keep' } })
      .then([
        { type: 'TeamEdited', data: { organizationId: org, teamId: 't1', changes: { leaderIds: { before: ['cal', 'bea'], after: ['cal'] } } } },
        { type: 'UserDeactivated', data: { organizationId: org, userId: 'bea', classesReassignedTo: null } },
        { type: 'UserRemoved', data: { organizationId: org, userId: 'bea', dataHandling: 'keep', transferredTo: null } },
      ]);
  });

  test('transfer: classes and leadership move to the target in the same step; a teacher needs transfer to an instructor', () => {
    const more = [...school, team, inTeam, { type: 'UserInvited', data: { organizationId: org, userId: 'fay', email: 'fay@school.test', firstName: 'Fay', lastName: 'F', roles: ['instructor'], setupTokenHash: 'h', setupTokenCiphertext: 'c', setupExpiresAt: now } }, { type: 'UserSetupCompleted', data: { organizationId: org, userId: 'fay', passwordHash: 'p' } }] as OrganizationEvent[];
    spec(more).when({ type: 'RemoveUser', data: { userId: 'cal', actorId: 'ann', dataHandling: 'keep' } }).thenFails('reassignment-required', { kind: 'conflict' });
    spec(more).when({ type: 'RemoveUser', data: { userId: 'cal', actorId: 'ann', dataHandling: 'transfer', transferTo: 'ann' } }).thenFails('invalid-transfer-target', { kind: 'conflict' });
    spec(more)
      .when({ type: 'RemoveUser', data: { userId: 'cal', actorId: 'ann', dataHandling: 'transfer', transferTo: 'fay' } })
      .then([
        { type: 'ClassReassigned', data: { organizationId: org, classId: 'algebra', fromInstructorId: 'cal', toInstructorId: 'fay' } },
        { type: 'ClassReassigned', data: { organizationId: org, classId: 'biology', fromInstructorId: 'cal', toInstructorId: 'fay' } },
        { type: 'TeamEdited', data: { organizationId: org, teamId: 't1', changes: { leaderIds: { before: ['cal', 'bea'], after: ['fay', 'bea'] } } } },
        { type: 'TeamMemberRemoved', data: { organizationId: org, teamId: 't1', userId: 'cal' } },
        { type: 'UserDeactivated', data: { organizationId: org, userId: 'cal', classesReassignedTo: 'fay' } },
        { type: 'UserRemoved', data: { organizationId: org, userId: 'cal', dataHandling: 'transfer', transferredTo: 'fay' } },
      ]);
  });

  test('refused: oneself, a pending user; a removed member is not removed twice nor reactivated', () => {
    spec(school).when({ type: 'RemoveUser', data: { userId: 'ann', actorId: 'ann', dataHandling: 'keep' } }).thenFails('cannot-remove-yourself', { kind: 'conflict' });
    spec(school).when({ type: 'RemoveUser', data: { userId: 'dan', actorId: 'ann', dataHandling: 'keep' } }).thenFails('user-setup-pending', { kind: 'conflict' });
    const removed: OrganizationEvent = { type: 'UserRemoved', data: { organizationId: org, userId: 'eve', dataHandling: 'keep', transferredTo: null } };
    spec([...school, removed]).when({ type: 'RemoveUser', data: { userId: 'eve', actorId: 'ann', dataHandling: 'erase' } }).then([]);
    spec([...school, removed]).when({ type: 'ReactivateUser', data: { userId: 'eve' } }).thenFails('user-removed', { kind: 'conflict' });
  });
});
