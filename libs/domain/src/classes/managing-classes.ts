import { DomainError } from '../shared/domain-error.js';
import { classRecord, requireInstructor, validClassName, type MembershipCommand, type MembershipEvent, type MembershipState } from '../members/membership.js';

/** Creating, editing and archiving classes (guide: Classes). */
export function createClass(command: Extract<MembershipCommand, { type: 'CreateClass' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  if (state.classes.has(command.data.classId)) throw new DomainError('class-already-exists', 'A class with this id already exists');
  const name = validClassName(command.data.name);
  requireInstructor(state, command.data.instructorId);
  return [{ type: 'ClassCreated', data: { organizationId, classId: command.data.classId, name, instructorId: command.data.instructorId } }];
}

export function editClass(command: Extract<MembershipCommand, { type: 'EditClass' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const existing = classRecord(state, command.data.classId);
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
  const existing = classRecord(state, command.data.classId);
  if (existing.status === 'archived') return [];
  return [{ type: 'ClassArchived', data: { organizationId, classId: existing.id } }];
}
