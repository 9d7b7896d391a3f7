import { DomainError } from '../shared/domain-error.js';
import type { MembershipCommand, MembershipEvent, MembershipState } from './membership.js';

/**
 * An active member changes their own password. The caller has checked the current
 * password and the organization's password policy (issue 17: the minimum holds at a
 * change as at setup); the log keeps the new hash. Nobody changes another's password:
 * an admin sends a new setup link instead.
 */
export function changePassword(command: Extract<MembershipCommand, { type: 'ChangePassword' }>, state: MembershipState): MembershipEvent[] {
  const user = state.members.get(command.data.userId);
  if (!user) throw new DomainError('user-not-found', 'No such user in this organization');
  if (command.data.actorId !== user.id) throw new DomainError('forbidden', 'A password is changed only by its owner');
  if (user.status !== 'active') throw new DomainError('account-deactivated', 'Only an active account changes its password');
  return [{ type: 'PasswordChanged', data: { organizationId: state.id, userId: user.id, passwordHash: command.data.passwordHash } }];
}
