import { DomainError } from '../shared/domain-error.js';
import { member, validPerson, type Member, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership.js';

/**
 * Owners (multi-tenant guide, "Member Roles"): an organization that has an owner always
 * keeps an active one; only owners (and super admins) make, unmake or act on owners;
 * ownership passes in one command. Organizations from before owners existed have none
 * until a super admin names one, and then the rules hold from that day on.
 */
export const isActiveOwner = (m: Member | undefined): m is Member => !!m && m.status === 'active' && m.roles.includes('owner');

/**
 * Whether the actor may change who owns the organization or act on an owner: an active
 * owner of it, or someone from outside its membership (a super admin or the platform:
 * the guard lets no other outsider reach an organization's commands).
 */
export function actsAsOwner(state: MembershipState, actorId: string | undefined): boolean {
  if (actorId === undefined) return true;
  const actor = state.members.get(actorId);
  return actor === undefined || isActiveOwner(actor);
}

export function requireOwnerActor(state: MembershipState, actorId: string | undefined, what: string): void {
  if (!actsAsOwner(state, actorId)) throw new DomainError('forbidden', `Only an owner of the organization can ${what}`);
}

/** The last active owner cannot be removed, deactivated or demoted. */
export function requireAnotherActiveOwner(state: MembershipState, leaving: Member): void {
  if (!isActiveOwner(leaving)) return;
  for (const m of state.members.values()) if (m.id !== leaving.id && isActiveOwner(m)) return;
  throw new DomainError('last-owner', 'An organization keeps at least one active owner; make someone else an owner first');
}

/**
 * Ownership transfer: the actor, an active owner, hands it to another active member, who
 * becomes owner (and admin) while the actor steps down to admin. Two edits in one step,
 * each saying why, so the audit trail and every projection read them as edits.
 */
export function transferOwnership(command: Extract<MembershipCommand, { type: 'TransferOwnership' }>, state: MembershipState): MembershipEvent[] {
  const { actorId, toUserId } = command.data;
  const from = state.members.get(actorId);
  if (!isActiveOwner(from)) throw new DomainError('forbidden', 'Only an active owner of the organization can transfer its ownership');
  const to = member(state, toUserId);
  if (to.id === from.id) throw new DomainError('new-owner-not-eligible', 'You already own this organization; name another member');
  if (to.status !== 'active') throw new DomainError('new-owner-not-eligible', 'The new owner must be an active member who has completed setup');
  const edit = (m: Member, roles: Member['roles']): MembershipEvent => ({
    type: 'UserEdited',
    data: { organizationId: state.id, userId: m.id, changes: { roles: { before: m.roles, after: roles } }, profile: { firstName: m.firstName, lastName: m.lastName, roles }, via: 'ownership-transfer' },
  });
  // The roles as every edit normalises them: in their order, owner with admin.
  const roles = (m: Member, next: string[]) => validPerson({ firstName: m.firstName, lastName: m.lastName, roles: next }).roles;
  return [edit(to, roles(to, [...to.roles, 'owner'])), edit(from, roles(from, from.roles.filter((r) => r !== 'owner')))];
}
