import { describe, expect, test } from '@jest/globals';
import { deciderSpec } from '../testing/given-when-then.js';
import { organizationDecider, type OrganizationEvent } from './organization.js';
import { reassignmentCandidates } from './membership.js';

const spec = deciderSpec(organizationDecider);
const org = 'org-1';
const token = (n: number) => ({ hash: `hash-${n}`, ciphertext: `cipher-${n}`, expiresAt: '2026-11-30T00:00:00.000Z' });
const now = '2026-11-23T00:00:00.000Z';

const created: OrganizationEvent = { type: 'OrganizationCreated', data: { organizationId: org, name: 'School', description: null, timeZone: 'UTC', createdAt: now } };
const invited = (userId: string, roles: ('admin' | 'instructor')[], email = `${userId}@school.test`, n = 1): OrganizationEvent => ({
  type: 'UserInvited',
  data: { organizationId: org, userId, email, firstName: userId.toUpperCase(), lastName: 'Doe', roles, setupTokenHash: `hash-${n}`, setupTokenCiphertext: `cipher-${n}`, setupExpiresAt: '2026-11-30T00:00:00.000Z' },
});
const setUp = (userId: string): OrganizationEvent => ({ type: 'UserSetupCompleted', data: { organizationId: org, userId, passwordHash: '$argon2id$h' } });
const classCreated = (classId: string, instructorId: string, name = classId): OrganizationEvent => ({ type: 'ClassCreated', data: { organizationId: org, classId, name, instructorId } });
const deactivated = (userId: string): OrganizationEvent => ({ type: 'UserDeactivated', data: { organizationId: org, userId, classesReassignedTo: null } });

// A school with an active admin (ann), an active instructor admin (bea), an active
// instructor (cal) teaching two classes, a pending instructor (dan) and a deactivated instructor (eve).
const school: OrganizationEvent[] = [
  created,
  invited('ann', ['admin']),
  setUp('ann'),
  invited('bea', ['admin', 'instructor']),
  setUp('bea'),
  invited('cal', ['instructor']),
  setUp('cal'),
  invited('dan', ['instructor']),
  invited('eve', ['instructor']),
  setUp('eve'),
  deactivated('eve'),
  classCreated('algebra', 'cal', 'Algebra'),
  classCreated('biology', 'cal', 'Biology'),
];

describe('Inviting users', () => {
  test('creates a setup-pending user with trimmed names, canonical role order and the token hash', () => {
    spec([created])
      .when({ type: 'InviteUser', data: { userId: 'u1', email: ' New@School.test ', firstName: ' Ada ', lastName: ' Lovelace ', roles: ['instructor', 'admin', 'admin'], setupToken: token(7) } })
      .then([
        {
          type: 'UserInvited',
          data: { organizationId: org, userId: 'u1', email: 'New@School.test', firstName: 'Ada', lastName: 'Lovelace', roles: ['admin', 'instructor'], setupTokenHash: 'hash-7', setupTokenCiphertext: 'cipher-7', setupExpiresAt: '2026-11-30T00:00:00.000Z' },
        },
      ]);
  });

  test('requires a valid email, names of 1 to 255 characters and at least one known role, listing every problem', () => {
    spec([created])
      .when({ type: 'InviteUser', data: { userId: 'u1', email: 'nope', firstName: '  ', lastName: 'x'.repeat(256), roles: [], setupToken: token(1) } })
      .thenFails('invalid-user', { kind: 'invalid', fields: ['email', 'firstName', 'lastName', 'roles'] });
    spec([created])
      .when({ type: 'InviteUser', data: { userId: 'u1', email: 'a@b.co', firstName: 'A', lastName: 'B', roles: ['owner'], setupToken: token(1) } })
      .thenFails('invalid-user', { fields: ['roles'] });
  });

  test('refuses an email already used in the organization, whatever its case', () => {
    spec(school)
      .when({ type: 'InviteUser', data: { userId: 'u9', email: 'ANN@school.test', firstName: 'A', lastName: 'B', roles: ['instructor'], setupToken: token(1) } })
      .thenFails('email-already-in-use', { kind: 'conflict', fields: ['email'] });
  });

  test('an organization that does not exist cannot invite', () => {
    spec([]).when({ type: 'InviteUser', data: { userId: 'u1', email: 'a@b.co', firstName: 'A', lastName: 'B', roles: ['admin'], setupToken: token(1) } }).thenFails('organization-not-found');
  });
});

describe('Setup and resending', () => {
  test('the current token activates the user once', () => {
    spec(school).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now } }).then([
      { type: 'UserSetupCompleted', data: { organizationId: org, userId: 'dan', passwordHash: '$p' } },
    ]);
    spec([...school, setUp('dan')]).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now } }).thenFails('setup-link-invalid');
  });

  test('an expired, replaced or wrong token gets the same error', () => {
    spec(school).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now: '2026-12-01T00:00:00.000Z' } }).thenFails('setup-link-invalid');
    const resent: OrganizationEvent = {
      type: 'UserInvitationResent',
      data: { organizationId: org, userId: 'dan', email: 'dan@school.test', previousEmail: null, setupTokenHash: 'hash-2', setupTokenCiphertext: 'c', setupExpiresAt: '2026-11-30T00:00:00.000Z' },
    };
    spec([...school, resent]).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now } }).thenFails('setup-link-invalid');
    spec(school).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'forged', passwordHash: '$p', now } }).thenFails('setup-link-invalid');
  });

  test('resending replaces the token and may correct the email of a pending user only', () => {
    spec(school).when({ type: 'ResendInvitation', data: { userId: 'dan', email: 'daniel@school.test', setupToken: token(2) } }).then([
      {
        type: 'UserInvitationResent',
        data: { organizationId: org, userId: 'dan', email: 'daniel@school.test', previousEmail: 'dan@school.test', setupTokenHash: 'hash-2', setupTokenCiphertext: 'cipher-2', setupExpiresAt: '2026-11-30T00:00:00.000Z' },
      },
    ]);
    spec(school).when({ type: 'ResendInvitation', data: { userId: 'cal', setupToken: token(2) } }).thenFails('only-setup-pending-users-can-be-reinvited', { kind: 'conflict' });
    spec(school).when({ type: 'ResendInvitation', data: { userId: 'dan', email: 'cal@school.test', setupToken: token(2) } }).thenFails('email-already-in-use');
  });
});

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

describe('Deleting users', () => {
  test('only setup-pending users can be deleted', () => {
    spec(school).when({ type: 'DeleteUser', data: { userId: 'dan' } }).then([{ type: 'UserDeleted', data: { organizationId: org, userId: 'dan', email: 'dan@school.test' } }]);
    for (const userId of ['cal', 'eve'])
      spec(school).when({ type: 'DeleteUser', data: { userId } }).thenFails('only-setup-pending-users-can-be-deleted', { kind: 'conflict' });
  });

  test('after a delete the email can be invited again and the old token no longer works', () => {
    const deleted: OrganizationEvent = { type: 'UserDeleted', data: { organizationId: org, userId: 'dan', email: 'dan@school.test' } };
    spec([...school, deleted])
      .when({ type: 'InviteUser', data: { userId: 'dan2', email: 'dan@school.test', firstName: 'Dan', lastName: 'Doe', roles: ['instructor'], setupToken: token(3) } })
      .then([expect.objectContaining({ type: 'UserInvited' }) as never]);
    spec([...school, deleted]).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now } }).thenFails('setup-link-invalid');
  });
});

describe('Classes', () => {
  test('a class needs a name and an active instructor of the organization', () => {
    spec(school).when({ type: 'CreateClass', data: { classId: 'c1', name: ' Chemistry ', instructorId: 'bea' } }).then([
      { type: 'ClassCreated', data: { organizationId: org, classId: 'c1', name: 'Chemistry', instructorId: 'bea' } },
    ]);
    for (const instructorId of ['ann', 'dan', 'eve', 'stranger'])
      spec(school).when({ type: 'CreateClass', data: { classId: 'c1', name: 'Chemistry', instructorId } }).thenFails('invalid-instructor', { fields: ['instructorId'] });
    spec(school).when({ type: 'CreateClass', data: { classId: 'c1', name: ' ', instructorId: 'bea' } }).thenFails('invalid-class', { fields: ['name'] });
  });

  test('editing records what changed; an archived class is not active and cannot be edited', () => {
    spec(school).when({ type: 'EditClass', data: { classId: 'algebra', name: 'Algebra II', instructorId: 'bea' } }).then([
      { type: 'ClassEdited', data: { organizationId: org, classId: 'algebra', changes: { name: { before: 'Algebra', after: 'Algebra II' }, instructorId: { before: 'cal', after: 'bea' } } } },
    ]);
    const archived: OrganizationEvent = { type: 'ClassArchived', data: { organizationId: org, classId: 'algebra' } };
    spec([...school, archived]).when({ type: 'EditClass', data: { classId: 'algebra', name: 'X', instructorId: 'cal' } }).thenFails('class-archived');
    spec([...school, archived]).when({ type: 'ArchiveClass', data: { classId: 'algebra' } }).thenNothingHappens();
  });
});

describe('Ending sessions', () => {
  test("records when a user's sessions were ended, for any member of the organization", () => {
    spec(school).when({ type: 'EndUserSessions', data: { userId: 'cal', now } }).then([{ type: 'UserSessionsEnded', data: { organizationId: org, userId: 'cal', endedAt: now } }]);
    spec(school).when({ type: 'EndUserSessions', data: { userId: 'stranger', now } }).thenFails('user-not-found');
  });
});
