import { DomainError } from '../shared/domain-error.js';
import type { MembershipCommand, MembershipEvent, MembershipState } from './membership.js';

/** An invitee sets a password through their setup link. */
export function completeUserSetup(command: Extract<MembershipCommand, { type: 'CompleteUserSetup' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const user = state.members.get(command.data.userId);
  // Used, expired, replaced and unknown tokens get one answer.
  if (!user || user.status !== 'setupPending' || user.setupTokenHash !== command.data.tokenHash || !user.setupExpiresAt || user.setupExpiresAt <= command.data.now)
    throw new DomainError('setup-link-invalid', 'This setup link is invalid, has expired or was already used');
  return [{ type: 'UserSetupCompleted', data: { organizationId, userId: user.id, passwordHash: command.data.passwordHash } }];
}
