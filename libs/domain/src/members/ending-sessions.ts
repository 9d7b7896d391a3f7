import { member, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership.js';

/** Signing a user out on every device. */
export function endUserSessions(command: Extract<MembershipCommand, { type: 'EndUserSessions' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const user = member(state, command.data.userId);
  return [{ type: 'UserSessionsEnded', data: { organizationId, userId: user.id, endedAt: command.data.now } }];
}
