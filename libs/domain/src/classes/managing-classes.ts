import { DomainError } from '../shared/domain-error.js';
import { classRecord, requireInstructor, validClassName, type ClassActor, type ClassRecord, type MembershipCommand, type MembershipEvent, type MembershipState } from '../members/membership.js';

/** Creating, editing and archiving classes (guide: Classes). */

/** An instructor without the admin role works on their own classes only (admins and super admins on all). */
export const managesOwnClassesOnly = (actor: ClassActor | undefined): boolean => actor !== undefined && actor.kind === 'member' && !(actor.roles ?? []).includes('admin');

/** The class as the actor may see it: another instructor's class does not exist for them. */
export function visibleClass(state: MembershipState, classId: string, actor: ClassActor | undefined): ClassRecord | undefined {
  const found = state.classes.get(classId);
  return found && (!managesOwnClassesOnly(actor) || found.instructorId === actor!.id) ? found : undefined;
}

function ownClass(state: MembershipState, classId: string, actor: ClassActor | undefined): ClassRecord {
  const existing = classRecord(state, classId);
  if (!visibleClass(state, classId, actor)) throw new DomainError('class-not-found', 'No such class in this organization');
  return existing;
}

export function createClass(command: Extract<MembershipCommand, { type: 'CreateClass' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  if (managesOwnClassesOnly(command.data.actor) && command.data.instructorId !== command.data.actor!.id)
    throw new DomainError('forbidden', 'Instructors create classes they teach themselves');
  if (state.classes.has(command.data.classId)) throw new DomainError('class-already-exists', 'A class with this id already exists');
  const name = validClassName(command.data.name);
  requireInstructor(state, command.data.instructorId);
  return [{ type: 'ClassCreated', data: { organizationId, classId: command.data.classId, name, instructorId: command.data.instructorId } }];
}

export function editClass(command: Extract<MembershipCommand, { type: 'EditClass' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const existing = ownClass(state, command.data.classId, command.data.actor);
  if (managesOwnClassesOnly(command.data.actor) && command.data.instructorId !== undefined && command.data.instructorId !== command.data.actor!.id)
    throw new DomainError('forbidden', 'Only an admin can give a class to another instructor');
  if (existing.status === 'archived') throw new DomainError('class-archived', 'Archived classes cannot be edited');
  const name = validClassName(command.data.name ?? existing.name);
  const instructorId = command.data.instructorId ?? existing.instructorId;
  if (instructorId !== existing.instructorId) requireInstructor(state, instructorId);
  const changes: Extract<MembershipEvent, { type: 'ClassEdited' }>['data']['changes'] = {};
  if (name !== existing.name) changes.name = { before: existing.name, after: name };
  if (instructorId !== existing.instructorId) changes.instructorId = { before: existing.instructorId, after: instructorId };
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'ClassEdited', data: { organizationId, classId: existing.id, changes } }];
}

export function archiveClass(command: Extract<MembershipCommand, { type: 'ArchiveClass' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const existing = ownClass(state, command.data.classId, command.data.actor);
  if (existing.status === 'archived') return [];
  return [{ type: 'ClassArchived', data: { organizationId, classId: existing.id } }];
}
