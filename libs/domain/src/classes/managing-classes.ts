import { DomainError, ValidationFailed } from '../shared/domain-error.js';
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

/** What a class's rules read of the organization: its members and classes, and the languages it teaches. */
type ClassesState = MembershipState & { languageIds: readonly string[] };

/**
 * A class is taught in one of the organization's languages, or in none given. The
 * organization holds its languages in the platform's catalogue, and cannot drop one an
 * active class is taught in: so a class never points at a removed language.
 */
function taughtLanguage(state: ClassesState, languageId: string | null | undefined): string | null {
  if (languageId === undefined || languageId === null) return null;
  if (!state.languageIds.includes(languageId))
    throw new ValidationFailed('language-not-taught', [{ field: 'languageId', message: 'languageId must be one of the languages the organization teaches (PUT /organizations/{orgId}/languages)' }]);
  return languageId;
}

export function createClass(command: Extract<MembershipCommand, { type: 'CreateClass' }>, state: ClassesState): MembershipEvent[] {
  const organizationId = state.id;
  if (managesOwnClassesOnly(command.data.actor) && command.data.instructorId !== command.data.actor!.id)
    throw new DomainError('forbidden', 'Instructors create classes they teach themselves');
  if (state.classes.has(command.data.classId)) throw new DomainError('class-already-exists', 'A class with this id already exists');
  const name = validClassName(command.data.name);
  requireInstructor(state, command.data.instructorId);
  const languageId = taughtLanguage(state, command.data.languageId);
  return [{ type: 'ClassCreated', data: { organizationId, classId: command.data.classId, name, instructorId: command.data.instructorId, ...(languageId ? { languageId } : {}) } }];
}

export function editClass(command: Extract<MembershipCommand, { type: 'EditClass' }>, state: ClassesState): MembershipEvent[] {
  const organizationId = state.id;
  const existing = ownClass(state, command.data.classId, command.data.actor);
  if (managesOwnClassesOnly(command.data.actor) && command.data.instructorId !== undefined && command.data.instructorId !== command.data.actor!.id)
    throw new DomainError('forbidden', 'Only an admin can give a class to another instructor');
  if (existing.status === 'archived') throw new DomainError('class-archived', 'Archived classes cannot be edited');
  const name = validClassName(command.data.name ?? existing.name);
  const instructorId = command.data.instructorId ?? existing.instructorId;
  if (instructorId !== existing.instructorId) requireInstructor(state, instructorId);
  const languageId = command.data.languageId === undefined || command.data.languageId === existing.languageId ? existing.languageId : taughtLanguage(state, command.data.languageId);
  const changes: Extract<MembershipEvent, { type: 'ClassEdited' }>['data']['changes'] = {};
  if (name !== existing.name) changes.name = { before: existing.name, after: name };
  if (instructorId !== existing.instructorId) changes.instructorId = { before: existing.instructorId, after: instructorId };
  if (languageId !== existing.languageId) changes.languageId = { before: existing.languageId, after: languageId };
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'ClassEdited', data: { organizationId, classId: existing.id, changes } }];
}

export function archiveClass(command: Extract<MembershipCommand, { type: 'ArchiveClass' }>, state: MembershipState): MembershipEvent[] {
  const organizationId = state.id;
  const existing = ownClass(state, command.data.classId, command.data.actor);
  if (existing.status === 'archived') return [];
  return [{ type: 'ClassArchived', data: { organizationId, classId: existing.id } }];
}

/**
 * Students of a class: members of the organization who learn (not deactivated, and with
 * a role other than auditor). Adding someone already in it changes nothing; archived
 * classes take no students.
 */
export function addClassStudents(command: Extract<MembershipCommand, { type: 'AddClassStudents' }>, state: ClassesState): MembershipEvent[] {
  const existing = ownClass(state, command.data.classId, command.data.actor);
  if (existing.status === 'archived') throw new DomainError('class-archived', 'Archived classes take no students');
  const userIds = [...new Set(command.data.userIds)];
  if (userIds.length === 0 || userIds.length > 1_000) throw new ValidationFailed('invalid-class', [{ field: 'userIds', message: 'userIds must name 1 to 1,000 members' }]);
  const notLearners = userIds.filter((id) => !isLearner(state.members.get(id)));
  if (notLearners.length > 0)
    throw new ValidationFailed('invalid-class', [{ field: 'userIds', message: `these are not members of the organization who can learn (deactivated, unknown, or auditors and analysts only): ${notLearners.join(', ')}` }]);
  const joining = userIds.filter((id) => !existing.studentIds.includes(id));
  if (joining.length === 0) return [];
  return [{ type: 'ClassStudentsAdded', data: { organizationId: state.id, classId: existing.id, userIds: joining } }];
}

export function removeClassStudent(command: Extract<MembershipCommand, { type: 'RemoveClassStudent' }>, state: ClassesState): MembershipEvent[] {
  const existing = ownClass(state, command.data.classId, command.data.actor);
  if (!existing.studentIds.includes(command.data.userId)) return [];
  return [{ type: 'ClassStudentRemoved', data: { organizationId: state.id, classId: existing.id, userId: command.data.userId } }];
}

/** Who can be given content: a member not deactivated, with a role other than auditor (auditors only read). */
/** Members who learn: not deactivated, and holding a role besides the read-only ones (auditor, analyst). */
export const isLearner = (m: { status: string; roles: readonly string[] } | undefined): boolean => !!m && m.status !== 'deactivated' && m.roles.some((r) => r !== 'auditor' && r !== 'analyst');
