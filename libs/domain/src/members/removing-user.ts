import { DomainError } from '../shared/domain-error.js';
import type { StructureEvent, StructureState } from '../structure/structure.js';
import { leaveStructure } from '../structure/structure.js';
import { requireNotErased } from './erasing-user.js';
import { requireAnotherActiveOwner, requireOwnerActor } from './owners.js';
import { activeClassesOf, classList, isActiveInstructor, member, requireAnotherActiveAdmin, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership.js';

/**
 * Removing a member (multi-tenant guide, "Removing Members: Choose data handling"; issue
 * 20). The membership ends: they lose access at once, leave their teams, and their
 * address is free again. What happens to what they hold is chosen in the same request:
 * - `keep`: their records stay, attributed to a former member;
 * - `transfer`: their active classes and the departments and teams they lead move to
 *   `transferTo`, decided on the same state as the removal (as a deactivation's class
 *   reassignment is). Content and assignments are the organization's, not a person's:
 *   nothing of them moves;
 * - `erase`: as `keep`, then their personal data is erased (erasing-user.ts) once the
 *   membership has ended.
 * A member who teaches active classes is removed with `transfer` only, so no class is left
 * without its teacher. Someone whose setup is pending is deleted instead, as the guide says.
 */
export const DATA_HANDLING = ['keep', 'transfer', 'erase'] as const;
export type DataHandling = (typeof DATA_HANDLING)[number];

export function removeUser(
  command: Extract<MembershipCommand, { type: 'RemoveUser' }>,
  state: MembershipState & StructureState,
): (MembershipEvent | StructureEvent)[] {
  const organizationId = state.id;
  const { userId, actorId, dataHandling, transferTo } = command.data;
  const user = member(state, userId);
  requireNotErased(user);
  if (actorId === user.id) throw new DomainError('cannot-remove-yourself', 'You cannot remove yourself from the organization');
  if (user.removed) return [];
  if (user.status === 'setupPending') throw new DomainError('user-setup-pending', 'This user never completed setup: delete them instead');
  if (user.roles.includes('owner')) requireOwnerActor(state, actorId, 'remove an owner');
  requireAnotherActiveOwner(state, user);
  requireAnotherActiveAdmin(state, user);

  const classes = activeClassesOf(state, user.id);
  if (classes.length && dataHandling !== 'transfer')
    throw new DomainError('reassignment-required', 'This user teaches active classes; remove them with dataHandling transfer and choose who takes them over', { classes: classList(classes) });
  const events: (MembershipEvent | StructureEvent)[] = [];
  let transferredTo: string | null = null;
  if (dataHandling === 'transfer') {
    const target = transferTo === undefined ? undefined : state.members.get(transferTo);
    const teaches = classes.length > 0;
    if (!target || target.id === user.id || target.status !== 'active' || target.erased || (teaches && (!isActiveInstructor(target) || !target.passwordSet)))
      throw new DomainError(
        'invalid-transfer-target',
        teaches ? 'What the user holds can only move to another active instructor of this organization who has set a password' : 'What the user holds can only move to another active member of this organization',
        { errors: [{ field: 'transferTo', message: teaches ? 'transferTo must be an active instructor of this organization who has set a password' : 'transferTo must be another active member of this organization' }] },
      );
    transferredTo = target.id;
    for (const c of classes) events.push({ type: 'ClassReassigned', data: { organizationId, classId: c.id, fromInstructorId: user.id, toInstructorId: target.id } });
    // Their leadership goes to the target (once: someone who leads already keeps their place).
    const handOver = (leaders: string[]) => [...new Set(leaders.map((id) => (id === user.id ? target.id : id)))];
    for (const d of state.departments.values())
      if (d.leaderIds.includes(user.id)) events.push({ type: 'DepartmentEdited', data: { organizationId, departmentId: d.id, changes: { leaderIds: { before: d.leaderIds, after: handOver(d.leaderIds) } } } });
    for (const t of state.teams.values())
      if (t.leaderIds.includes(user.id)) events.push({ type: 'TeamEdited', data: { organizationId, teamId: t.id, changes: { leaderIds: { before: t.leaderIds, after: handOver(t.leaderIds) } } } });
  }
  // Whatever leadership is left (keep, erase) ends, and they leave every team.
  const transferredUnits = new Set(events.flatMap((e) => (e.type === 'DepartmentEdited' ? [e.data.departmentId] : e.type === 'TeamEdited' ? [e.data.teamId] : [])));
  for (const event of leaveStructure(state, user.id)) {
    const unit = event.type === 'DepartmentEdited' ? event.data.departmentId : event.type === 'TeamEdited' ? event.data.teamId : null;
    if (unit === null || !transferredUnits.has(unit)) events.push(event);
  }
  if (user.status === 'active') events.push({ type: 'UserDeactivated', data: { organizationId, userId: user.id, classesReassignedTo: classes.length ? transferredTo : null } });
  events.push({ type: 'UserRemoved', data: { organizationId, userId: user.id, dataHandling, transferredTo } });
  return events;
}

/** Refuses to bring back a removed member: they left; invite them again instead. */
export function requireNotRemoved(user: { removed?: boolean }): void {
  if (user.removed) throw new DomainError('user-removed', 'This user was removed from the organization; invite them again instead');
}
