import { assertNever, eventTypes, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import type { MapDraft, PersistentMap } from '../shared/persistent-map.js';
import { FieldErrors, lengthOf } from '../shared/validation.js';
import type { ClassActor, Member } from '../members/membership.js';

/**
 * Departments and teams (multi-tenant guide: "Hierarchy", "Teams", "Departments"). They
 * live in the organization's stream beside its members: a leader must be a member, a
 * deleted invitation leaves every team, and a department is emptied before it goes, all
 * decided on one consistent state under one expected revision.
 */
export const STRUCTURE_RULES = { nameMax: 100, descriptionMax: 500, maxDepth: 8, leadersMax: 50, membersPerRequestMax: 1000 } as const;

export interface Department {
  id: string;
  name: string;
  description: string | null;
  /** null: at the top of the organization. */
  parentId: string | null;
  /** Its department admins: they manage it, its sub-departments and their teams. */
  leaderIds: string[];
  version: number;
}

export interface Team {
  id: string;
  name: string;
  description: string | null;
  departmentId: string | null;
  leaderIds: string[];
  /** Who is in it: a member may be in several teams. */
  memberIds: string[];
  version: number;
}

/** Who asks: a member (whose roles and leaderships are read from the state), a super admin, or the platform. */
export type StructureActor = ClassActor;

// ---- Commands ----------------------------------------------------------------------
interface Actor {
  actor?: StructureActor;
}
export type StructureCommand =
  | { type: 'CreateDepartment'; data: Actor & { departmentId: string; name: string; description?: string | null; parentId?: string | null; leaderIds?: string[] } }
  /** A merge patch: an absent field stays; `parentId: null` moves it to the top. */
  | { type: 'EditDepartment'; data: Actor & { departmentId: string; name?: string; description?: string | null; parentId?: string | null; leaderIds?: string[] } }
  | { type: 'DeleteDepartment'; data: Actor & { departmentId: string } }
  | { type: 'CreateTeam'; data: Actor & { teamId: string; name: string; description?: string | null; departmentId?: string | null; leaderIds?: string[] } }
  /** A merge patch: `departmentId: null` takes it out of any department. */
  | { type: 'EditTeam'; data: Actor & { teamId: string; name?: string; description?: string | null; departmentId?: string | null; leaderIds?: string[] } }
  | { type: 'DeleteTeam'; data: Actor & { teamId: string } }
  | { type: 'AddTeamMembers'; data: Actor & { teamId: string; userIds: string[] } }
  | { type: 'RemoveTeamMember'; data: Actor & { teamId: string; userId: string } };

// ---- Events ------------------------------------------------------------------------
interface Change<T> {
  before: T;
  after: T;
}
type WithOrg<T> = T & { organizationId: string };

export type StructureEvent =
  | DomainEvent<'DepartmentCreated', WithOrg<{ departmentId: string; name: string; description: string | null; parentId: string | null; leaderIds: string[] }>>
  | DomainEvent<
      'DepartmentEdited',
      WithOrg<{ departmentId: string; changes: { name?: Change<string>; description?: Change<string | null>; parentId?: Change<string | null>; leaderIds?: Change<string[]> } }>
    >
  | DomainEvent<'DepartmentDeleted', WithOrg<{ departmentId: string; name: string; leaderIds: string[] }>>
  | DomainEvent<'TeamCreated', WithOrg<{ teamId: string; name: string; description: string | null; departmentId: string | null; leaderIds: string[] }>>
  | DomainEvent<
      'TeamEdited',
      WithOrg<{ teamId: string; changes: { name?: Change<string>; description?: Change<string | null>; departmentId?: Change<string | null>; leaderIds?: Change<string[]> } }>
    >
  /** Its members stay in the organization; `memberIds` and `leaderIds` say who was in it, so readers need no state. */
  | DomainEvent<'TeamDeleted', WithOrg<{ teamId: string; name: string; leaderIds: string[]; memberIds: string[] }>>
  | DomainEvent<'TeamMembersAdded', WithOrg<{ teamId: string; userIds: string[] }>>
  | DomainEvent<'TeamMemberRemoved', WithOrg<{ teamId: string; userId: string }>>;

export const STRUCTURE_EVENT_TYPES = eventTypes<StructureEvent>({
  DepartmentCreated: true,
  DepartmentEdited: true,
  DepartmentDeleted: true,
  TeamCreated: true,
  TeamEdited: true,
  TeamDeleted: true,
  TeamMembersAdded: true,
  TeamMemberRemoved: true,
});

export interface StructureState {
  id: string;
  members: Pick<PersistentMap<Member>, 'get'>;
  departments: Pick<PersistentMap<Department>, 'get' | 'has' | 'values'>;
  teams: Pick<PersistentMap<Team>, 'get' | 'has' | 'values'>;
}

export interface StructureDraft {
  departments: MapDraft<Department>;
  teams: MapDraft<Team>;
}

// ---- Reading the tree ----------------------------------------------------------------
export function department(state: StructureState, departmentId: string): Department {
  const found = state.departments.get(departmentId);
  if (!found) throw new DomainError('department-not-found', 'No such department in this organization');
  return found;
}

export function team(state: StructureState, teamId: string): Team {
  const found = state.teams.get(teamId);
  if (!found) throw new DomainError('team-not-found', 'No such team in this organization');
  return found;
}

/** The department and its ancestors, nearest first. */
export function ancestry(state: StructureState, departmentId: string | null): Department[] {
  const chain: Department[] = [];
  for (let id = departmentId; id !== null; ) {
    const d = state.departments.get(id);
    // A bound, so that even a state a defect made cyclic cannot loop forever.
    if (!d || chain.length > STRUCTURE_RULES.maxDepth * 2) break;
    chain.push(d);
    id = d.parentId;
  }
  return chain;
}

/** What reading the tree needs: the departments with their parents (the decider's state, or a read model's documents). */
export interface DepartmentTree<D extends Pick<Department, 'id' | 'parentId'> = Department> {
  departments: { values(): Iterable<D> };
}

export const childDepartments = <D extends Pick<Department, 'id' | 'parentId'>>(tree: DepartmentTree<D>, departmentId: string | null): D[] =>
  [...tree.departments.values()].filter((d) => d.parentId === departmentId);

export const teamsIn = (state: StructureState, departmentId: string | null): Team[] => [...state.teams.values()].filter((t) => t.departmentId === departmentId);

/** How many levels the subtree under a department has, itself included (1 for a leaf). */
export function subtreeHeight(state: StructureState, departmentId: string): number {
  const children = childDepartments(state, departmentId);
  return 1 + Math.max(0, ...children.map((c) => subtreeHeight(state, c.id)));
}

/** The ids of a department and every department under it. */
export function subtreeIds(tree: DepartmentTree<Pick<Department, 'id' | 'parentId'>>, departmentId: string): Set<string> {
  const ids = new Set([departmentId]);
  for (const d of childDepartments(tree, departmentId)) for (const id of subtreeIds(tree, d.id)) ids.add(id);
  return ids;
}

// ---- Input --------------------------------------------------------------------------
/** Departments or teams as a 409 lists them: id and name. */
export const structureList = (items: { id: string; name: string }[]) => items.map(({ id, name }) => ({ id, name }));

/** A name and description, trimmed and bounded; the errors of the request together. */
export function validUnit(
  kind: 'department' | 'team',
  input: { name?: string; description?: string | null },
  current: { name: string; description: string | null } | undefined,
): { name: string; description: string | null } {
  const errors = new FieldErrors();
  const name = input.name === undefined && current ? current.name : typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) errors.add('name', 'name is required');
  else if (lengthOf(name) > STRUCTURE_RULES.nameMax) errors.add('name', `name must be at most ${STRUCTURE_RULES.nameMax} characters`);
  let description = current?.description ?? null;
  if (input.description !== undefined) {
    const raw = input.description === null ? '' : typeof input.description === 'string' ? input.description.trim() : null;
    if (raw === null) errors.add('description', 'description must be a string or null');
    else if (lengthOf(raw) > STRUCTURE_RULES.descriptionMax) errors.add('description', `description must be at most ${STRUCTURE_RULES.descriptionMax} characters`);
    else description = raw === '' ? null : raw;
  }
  if (errors.any) throw new ValidationFailed(kind === 'department' ? 'invalid-department' : 'invalid-team', errors.errors);
  return { name, description };
}

/**
 * Leaders (and team members) must be members of the organization who are not
 * deactivated: a pending invitee may lead from the day they arrive. In a stable order
 * without repeats, so a list given differently changes nothing.
 */
export function validMembers(state: StructureState, kind: 'department' | 'team', field: 'leaderIds' | 'userIds', ids: unknown): string[] {
  const invalid = kind === 'department' ? 'invalid-department' : 'invalid-team';
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
    throw new ValidationFailed(invalid, [{ field, message: `${field} must be a list of user ids` }]);
  const unique = [...new Set(ids as string[])];
  const bound = field === 'leaderIds' ? STRUCTURE_RULES.leadersMax : STRUCTURE_RULES.membersPerRequestMax;
  if (unique.length > bound) throw new ValidationFailed(invalid, [{ field, message: `${field} must name at most ${bound} users` }]);
  const unknown = unique.filter((id) => {
    const m = state.members.get(id);
    return !m || m.status === 'deactivated';
  });
  if (unknown.length)
    throw new ValidationFailed(invalid, [{ field, message: `${field} must name members of this organization who are not deactivated; not: ${unknown.join(', ')}` }]);
  return unique.sort();
}

export const sameName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

// ---- Evolve -------------------------------------------------------------------------
/** A unit after an edit: each changed field takes its `after`, and its version moves. */
function edited<U extends Department | Team>(unit: U, changes: { [K in keyof U]?: Change<U[K]> }): U {
  const next = { ...unit, version: unit.version + 1 };
  for (const field of Object.keys(changes) as (keyof U)[]) {
    const change = changes[field];
    if (change) next[field] = change.after as (typeof next)[typeof field];
  }
  return next;
}

export function evolveStructure(draft: StructureDraft, event: StructureEvent): void {
  const { departments, teams } = draft;
  switch (event.type) {
    case 'DepartmentCreated': {
      const { departmentId: id, name, description, parentId, leaderIds } = event.data;
      departments.set(id, { id, name, description, parentId, leaderIds, version: 0 });
      return;
    }
    case 'DepartmentEdited': {
      const d = departments.get(event.data.departmentId);
      if (d) departments.set(d.id, edited(d, event.data.changes));
      return;
    }
    case 'DepartmentDeleted':
      departments.delete(event.data.departmentId);
      return;
    case 'TeamCreated': {
      const { teamId: id, name, description, departmentId, leaderIds } = event.data;
      teams.set(id, { id, name, description, departmentId, leaderIds, memberIds: [], version: 0 });
      return;
    }
    case 'TeamEdited': {
      const t = teams.get(event.data.teamId);
      if (t) teams.set(t.id, edited(t, event.data.changes));
      return;
    }
    case 'TeamDeleted':
      teams.delete(event.data.teamId);
      return;
    case 'TeamMembersAdded': {
      const t = teams.get(event.data.teamId);
      if (t) teams.set(t.id, { ...t, memberIds: [...new Set([...t.memberIds, ...event.data.userIds])], version: t.version + 1 });
      return;
    }
    case 'TeamMemberRemoved': {
      const t = teams.get(event.data.teamId);
      if (t) teams.set(t.id, { ...t, memberIds: t.memberIds.filter((id) => id !== event.data.userId), version: t.version + 1 });
      return;
    }
    default:
      assertNever(event);
  }
}

/**
 * A user who leaves the organization for good (a deleted invitation) leaves every team
 * and every leadership first, each as its own event, so that nothing in the tree (or in
 * a projection of it, which cannot read the state) names someone who is not there.
 */
export function leaveStructure(state: StructureState, userId: string): StructureEvent[] {
  const organizationId = state.id;
  const events: StructureEvent[] = [];
  for (const d of state.departments.values())
    if (d.leaderIds.includes(userId))
      events.push({ type: 'DepartmentEdited', data: { organizationId, departmentId: d.id, changes: { leaderIds: { before: d.leaderIds, after: d.leaderIds.filter((id) => id !== userId) } } } });
  for (const t of state.teams.values()) {
    if (t.leaderIds.includes(userId))
      events.push({ type: 'TeamEdited', data: { organizationId, teamId: t.id, changes: { leaderIds: { before: t.leaderIds, after: t.leaderIds.filter((id) => id !== userId) } } } });
    if (t.memberIds.includes(userId)) events.push({ type: 'TeamMemberRemoved', data: { organizationId, teamId: t.id, userId } });
  }
  return events;
}
