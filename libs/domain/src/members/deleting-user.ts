import { DomainError } from '../shared/domain-error.js';
import { requireOwnerActor } from './owners.js';
import { member, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership.js';

/** Deleting a user who never completed setup. */
export function deleteUser(command: Extract<MembershipCommand, { type: 'DeleteUser' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const user = member(state, command.data.userId);
  if (user.status !== 'setupPending')
    throw new DomainError('only-setup-pending-users-can-be-deleted', 'Only users who never completed setup can be deleted; deactivate the others');
  if (user.roles.includes('owner')) requireOwnerActor(state, command.data.actorId, 'withdraw an owner\'s invitation');
  return [{ type: 'UserDeleted', data: { organizationId, userId: user.id, email: user.email } }];
}
