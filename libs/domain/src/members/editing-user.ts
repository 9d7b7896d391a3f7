import { requireNotErased } from './erasing-user.js';
import { DomainError } from '../shared/domain-error.js';
import { requireAnotherActiveOwner, requireOwnerActor } from './owners.js';
import { activeClassesOf, classList, member, requireAnotherActiveAdmin, validPerson, type MembershipCommand, type MembershipEvent, type MembershipState } from './membership.js';

/** Editing a user's names and roles (guide: Editing users). */
export function editUser(command: Extract<MembershipCommand, { type: 'EditUser' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const user = member(state, command.data.userId);
  requireNotErased(user);
  const { firstName, lastName, roles } = command.data;
  const next = validPerson({ firstName: firstName ?? user.firstName, lastName: lastName ?? user.lastName, roles: roles ?? user.roles });
  const losing = user.roles.filter((r) => !next.roles.includes(r));
  const gaining = next.roles.filter((r) => !user.roles.includes(r));
  if (losing.includes('owner') || gaining.includes('owner')) requireOwnerActor(state, command.data.actorId, 'make or unmake owners');
  if (losing.includes('owner')) requireAnotherActiveOwner(state, user);
  if (losing.includes('admin') && command.data.actorId === user.id)
    throw new DomainError('cannot-remove-own-admin-role', 'You cannot remove your own admin role; another admin must do it');
  if (losing.includes('instructor')) {
    const classes = activeClassesOf(state, user.id);
    if (classes.length)
      throw new DomainError('instructor-has-active-classes', 'This user teaches active classes; reassign or archive them first', { classes: classList(classes) });
  }
  if (losing.includes('admin')) requireAnotherActiveAdmin(state, user);
  const changes: Extract<MembershipEvent, { type: 'UserEdited' }>['data']['changes'] = {};
  if (next.firstName !== user.firstName) changes.firstName = { before: user.firstName, after: next.firstName };
  if (next.lastName !== user.lastName) changes.lastName = { before: user.lastName, after: next.lastName };
  if (next.roles.join() !== user.roles.join()) changes.roles = { before: user.roles, after: next.roles };
  if (Object.keys(changes).length === 0) return [];
  return [
    {
      type: 'UserEdited',
      data: { organizationId, userId: user.id, changes, profile: { firstName: next.firstName, lastName: next.lastName, roles: next.roles } },
    },
  ];
}
