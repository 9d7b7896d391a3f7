import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { requireManagesDepartment, requireManagesPlace, scopeOf } from './scope.js';
import {
  ancestry,
  childDepartments,
  department,
  sameName,
  structureList,
  STRUCTURE_RULES,
  subtreeHeight,
  subtreeIds,
  teamsIn,
  validMembers,
  validUnit,
  type Department,
  type StructureCommand,
  type StructureEvent,
  type StructureState,
} from './structure.js';

/** Departments (multi-tenant guide: "Departments", "Hierarchy"): a tree, at most 8 deep, names unique among siblings. */
type Command<T extends StructureCommand['type']> = Extract<StructureCommand, { type: T }>;

/** The parent named by a request, checked: an existing department, or null for the top. */
function parentFor(state: StructureState, parentId: unknown): Department | null {
  if (parentId === null || parentId === undefined) return null;
  const parent = typeof parentId === 'string' ? state.departments.get(parentId) : undefined;
  if (!parent) throw new ValidationFailed('invalid-department', [{ field: 'parentId', message: 'parentId must name a department of this organization, or be null' }]);
  return parent;
}

function requireUniqueAmongSiblings(state: StructureState, name: string, parentId: string | null, exceptId?: string): void {
  const clash = childDepartments(state, parentId).find((d) => d.id !== exceptId && sameName(d.name, name));
  if (clash) throw new DomainError('department-name-taken', `Another department here is already called ${clash.name}`, { department: { id: clash.id, name: clash.name } });
}

function requireDepth(levelsAbove: number, height: number): void {
  if (levelsAbove + height > STRUCTURE_RULES.maxDepth)
    throw new DomainError('department-too-deep', `Departments nest at most ${STRUCTURE_RULES.maxDepth} levels deep; this would make ${levelsAbove + height}`, {
      maxDepth: STRUCTURE_RULES.maxDepth,
      depth: levelsAbove + height,
    });
}

export function createDepartment(command: Command<'CreateDepartment'>, state: StructureState): StructureEvent[] {
  const { departmentId, actor } = command.data;
  if (state.departments.has(departmentId)) throw new DomainError('department-already-exists', 'A department with this id already exists');
  const { name, description } = validUnit('department', command.data, undefined);
  const parent = parentFor(state, command.data.parentId);
  const leaderIds = validMembers(state, 'department', 'leaderIds', command.data.leaderIds ?? []);
  requireManagesPlace(scopeOf(state, actor), parent?.id ?? null, 'where the department would be created');
  requireDepth(ancestry(state, parent?.id ?? null).length, 1);
  requireUniqueAmongSiblings(state, name, parent?.id ?? null);
  return [{ type: 'DepartmentCreated', data: { organizationId: state.id, departmentId, name, description, parentId: parent?.id ?? null, leaderIds } }];
}

export function editDepartment(command: Command<'EditDepartment'>, state: StructureState): StructureEvent[] {
  const d = department(state, command.data.departmentId);
  const scope = scopeOf(state, command.data.actor);
  // Whoever edits a department manages it: checked before anything else, so that an edit
  // outside one's scope is a 403 even when it would change nothing.
  requireManagesDepartment(scope, d);
  const { name, description } = validUnit('department', command.data, d);
  const parentId = command.data.parentId === undefined ? d.parentId : (parentFor(state, command.data.parentId)?.id ?? null);
  const leaderIds = command.data.leaderIds === undefined ? d.leaderIds : validMembers(state, 'department', 'leaderIds', command.data.leaderIds);

  const changes: Extract<StructureEvent, { type: 'DepartmentEdited' }>['data']['changes'] = {};
  if (name !== d.name) changes.name = { before: d.name, after: name };
  if (description !== d.description) changes.description = { before: d.description, after: description };
  if (parentId !== d.parentId) changes.parentId = { before: d.parentId, after: parentId };
  if (leaderIds.join() !== d.leaderIds.join()) changes.leaderIds = { before: d.leaderIds, after: leaderIds };
  if (Object.keys(changes).length === 0) return [];

  if (changes.parentId || changes.leaderIds) requireManagesPlace(scope, d.parentId, `where the department ${d.name} sits`);
  if (changes.parentId) {
    requireManagesPlace(scope, parentId, 'the department it would move under');
    if (parentId !== null && subtreeIds(state, d.id).has(parentId))
      throw new DomainError('department-cycle', `The department ${d.name} cannot move under itself or one of its own sub-departments`);
    requireDepth(ancestry(state, parentId).length, subtreeHeight(state, d.id));
  }
  if (changes.name || changes.parentId) requireUniqueAmongSiblings(state, name, parentId, d.id);
  return [{ type: 'DepartmentEdited', data: { organizationId: state.id, departmentId: d.id, changes } }];
}

export function deleteDepartment(command: Command<'DeleteDepartment'>, state: StructureState): StructureEvent[] {
  const d = department(state, command.data.departmentId);
  requireManagesPlace(scopeOf(state, command.data.actor), d.parentId, `where the department ${d.name} sits`);
  const departments = childDepartments(state, d.id);
  const teams = teamsIn(state, d.id);
  if (departments.length || teams.length)
    throw new DomainError('department-not-empty', `The department ${d.name} still has sub-departments or teams; move or delete them first`, {
      departments: structureList(departments),
      teams: structureList(teams),
    });
  return [{ type: 'DepartmentDeleted', data: { organizationId: state.id, departmentId: d.id, name: d.name, leaderIds: d.leaderIds } }];
}
