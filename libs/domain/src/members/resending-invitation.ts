import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { storedEmail } from '../shared/email.js';
import { EMAIL_PATTERN, emailTaken, member, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership.js';

/** Sending a setup-pending user a new invitation, perhaps to a corrected address. */
export function resendInvitation(command: Extract<MembershipCommand, { type: 'ResendInvitation' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const user = member(state, command.data.userId);
  if (user.status !== 'setupPending')
    throw new DomainError('only-setup-pending-users-can-be-reinvited', 'Only users who have not set their password yet can be sent a new invitation');
  let email = user.email;
  if (command.data.email !== undefined) {
    email = storedEmail(command.data.email);
    if (!EMAIL_PATTERN.test(email) || email.length > 254) throw new ValidationFailed('invalid-user', [{ field: 'email', message: 'email must be a valid address' }]);
    if (emailTaken(state, email, user.id)) throw new DomainError('email-already-in-use', 'This email address is already in use', { errors: [{ field: 'email', message: 'email is already in use' }] });
  }
  const { setupToken } = command.data;
  return [
    {
      type: 'UserInvitationResent',
      data: {
        organizationId,
        userId: user.id,
        email,
        previousEmail: email === user.email ? null : user.email,
        setupTokenHash: setupToken.hash,
        setupTokenCiphertext: setupToken.ciphertext,
        setupExpiresAt: setupToken.expiresAt,
      },
    },
  ];
}
