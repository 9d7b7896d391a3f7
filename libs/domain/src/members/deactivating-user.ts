import { requireNotErased } from './erasing-user.js';
import { requireNotRemoved } from './removing-user.js';
import { DomainError } from '../shared/domain-error.js';
import { requireAnotherActiveOwner, requireOwnerActor } from './owners.js';
import { activeClassesOf, classList, isActiveInstructor, member, requireAnotherActiveAdmin, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership.js';

/** Deactivating a user, with their classes reassigned in the same step, and reactivating them (guide: Deactivating users). */
export function deactivateUser(command: Extract<MembershipCommand, { type: 'DeactivateUser' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const user = member(state, command.data.userId);
  if (command.data.actorId === user.id) throw new DomainError('cannot-deactivate-yourself', 'You cannot deactivate your own account');
  if (user.status === 'deactivated') return [];
  if (user.status !== 'active')
    throw new DomainError('only-active-users-can-be-deactivated', 'Only active users can be deactivated; delete a user whose setup is pending instead');
  if (user.roles.includes('owner')) requireOwnerActor(state, command.data.actorId, 'deactivate an owner');
  requireAnotherActiveOwner(state, user);
  requireAnotherActiveAdmin(state, user);
  const classes = activeClassesOf(state, user.id);
  const { reassignTo } = command.data;
  if (classes.length && !reassignTo)
    throw new DomainError('reassignment-required', 'This user teaches active classes; choose an instructor to take them over', { classes: classList(classes) });
  if (classes.length && reassignTo) {
    const target = state.members.get(reassignTo);
    if (!target || target.id === user.id || !isActiveInstructor(target) || !target.passwordSet)
      throw new DomainError(
        'invalid-reassignment-target',
        'Classes can only move to another active instructor of this organization who has set a password',
        { errors: [{ field: 'reassignTo', message: 'reassignTo must be an active instructor of this organization who has set a password' }] },
      );
  }
  // The classes move first: whatever prefix of these events a reader sees, no active
  // class is ever taught by a deactivated user.
  return [
    ...classes.map((c): MembershipEvent => ({ type: 'ClassReassigned', data: { organizationId, classId: c.id, fromInstructorId: user.id, toInstructorId: reassignTo! } })),
    { type: 'UserDeactivated', data: { organizationId, userId: user.id, classesReassignedTo: classes.length ? reassignTo! : null } },
  ];
}

export function reactivateUser(command: Extract<MembershipCommand, { type: 'ReactivateUser' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const user = member(state, command.data.userId);
  requireNotErased(user);
  requireNotRemoved(user);
  if (user.status === 'active') return [];
  if (user.status !== 'deactivated') throw new DomainError('only-deactivated-users-can-be-reactivated', 'Only deactivated users can be reactivated');
  return [{ type: 'UserReactivated', data: { organizationId, userId: user.id } }];
}
