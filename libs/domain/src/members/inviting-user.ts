import { DomainError } from '../shared/domain-error.js';
import { requireOwnerActor } from './owners.js';
import { emailTaken, validPerson, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership.js';

/** Inviting a user (guide: Adding instructors and administrators). */
/**
 * The invitation's rules on the organization's current state: a valid person, a new id,
 * an address no member of the organization has. The inviting process runs them before
 * it reserves the address platform-wide, so an invalid invitation reserves nothing.
 */
export function checkInvitation(data: Extract<MembershipCommand, { type: 'InviteUser' }>['data'], state: MembershipState): ReturnType<typeof validPerson> & { email: string } {
  const person = validPerson(data);
  if (person.roles.includes('owner')) requireOwnerActor(state, data.actorId, 'invite an owner');
  if (state.members.has(data.userId)) throw new DomainError('user-already-exists', 'A user with this id already exists');
  if (emailTaken(state, person.email!)) throw new DomainError('email-already-in-use', 'This email address is already in use', { errors: [{ field: 'email', message: 'email is already in use' }] });
  return { ...person, email: person.email! };
}

export function inviteUser(command: Extract<MembershipCommand, { type: 'InviteUser' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const { userId, setupToken } = command.data;
  const person = checkInvitation(command.data, state);
  return [
    {
      type: 'UserInvited',
      data: {
        organizationId,
        userId,
        email: person.email!,
        firstName: person.firstName,
        lastName: person.lastName,
        roles: person.roles,
        setupTokenHash: setupToken.hash,
        setupTokenCiphertext: setupToken.ciphertext,
        setupExpiresAt: setupToken.expiresAt,
      },
    },
  ];
}
