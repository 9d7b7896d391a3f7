import { DomainError } from '../shared/domain-error.js';
import { emailKey } from '../shared/email.js';
import { ERASED, erasedValue, joinRequestSubject, ssoSubject } from '../personal-data/personal-fields.js';
import type { JoinRequest } from './join-requests.js';
import { member, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership.js';

/**
 * Erasing a person (GDPR article 17; issue 20). The decision only records that the person
 * is erased: the erasure itself is the destruction of their keys, which the write side does
 * right after the event is stored (personal-fields.ts says what those keys seal). A member
 * is erased once they can no longer act here: deactivated first, so no session of theirs
 * lives and no class is theirs. Erasing twice changes nothing.
 */
export function eraseUser(command: Extract<MembershipCommand, { type: 'EraseUser' }>, state: MembershipState): MembershipEvent[] {
  const user = member(state, command.data.userId);
  if (user.erased) return [];
  if (user.status !== 'deactivated')
    throw new DomainError('user-not-deactivated', 'Deactivate the user before erasing them: an erased person can no longer sign in or be reactivated');
  return [{ type: 'UserErased', data: { organizationId: state.id, userId: user.id, erasedAt: command.data.now } }];
}

/** Refuses a change to an erased member: nothing about them is kept to change. */
export function requireNotErased(user: { erased?: boolean }): void {
  if (user.erased) throw new DomainError('user-erased', 'This user was erased; nothing about them can be changed');
}

/**
 * Every key subject that holds this member's personal data in the organization's
 * events: their own, their join requests' (matched by address: a request is made before
 * its maker has a user id), and their identity-provider accounts'. Read on the state
 * before the erasure, which still knows the address and the links.
 */
export function erasureSubjectsOf(
  state: MembershipState & { joinRequests: Readonly<Record<string, JoinRequest>>; ssoIdentities: ReadonlyMap<string, string> },
  userId: string,
): string[] {
  const user = member(state, userId);
  const key = emailKey(user.email);
  const requests = Object.values(state.joinRequests).filter((r) => emailKey(r.email) === key).map((r) => joinRequestSubject(r.id));
  const identities = [...state.ssoIdentities].filter(([, owner]) => owner === userId).map(([identity]) => {
    const space = identity.indexOf(' ');
    return ssoSubject(identity.slice(0, space), identity.slice(space + 1));
  });
  return [userId, ...requests, ...identities];
}

/** A join request as it reads once its maker is erased. */
export function erasedJoinRequest(request: JoinRequest): JoinRequest {
  const subject = joinRequestSubject(request.id);
  return { ...request, email: erasedValue('email', subject) as string, firstName: ERASED, lastName: ERASED, reason: request.reason === null ? null : ERASED };
}
