import { DomainError } from '../shared/domain-error.js';
import { subtreeIds, type Department, type StructureActor, type StructureState, type Team } from './structure.js';

/**
 * What an actor may change in the tree (multi-tenant guide, "Member Roles"): owners,
 * admins, super admins and the platform itself everything; a department admin the
 * departments they lead, everything under them and those departments' teams; a team
 * leader the membership of their own teams. Roles are read from the organization's
 * state, never from the token, so a leadership ended a moment ago counts at once.
 *
 * Departments and teams are visible to every member of the organization (the structure
 * is its org chart), so acting on one that is not yours is a 403, not a 404: 404 is for
 * what does not exist or is another tenant's.
 */
export interface StructureScope {
  everything: boolean;
  /** Departments this actor manages: the ones they lead and all below them. */
  departments: Set<string>;
  /** Teams whose membership this actor manages (their own teams, and every team of a managed department). */
  teams: Set<string>;
}

export function scopeOf(state: StructureState, actor: StructureActor | undefined): StructureScope {
  const all: StructureScope = { everything: true, departments: new Set(), teams: new Set() };
  if (!actor || actor.kind === 'superAdmin') return all;
  const me = actor.kind === 'member' ? state.members.get(actor.id) : undefined;
  if (!me || me.status !== 'active') return { everything: false, departments: new Set(), teams: new Set() };
  if (me.roles.includes('owner') || me.roles.includes('admin')) return all;
  const departments = new Set<string>();
  for (const d of state.departments.values()) if (d.leaderIds.includes(me.id)) for (const id of subtreeIds(state, d.id)) departments.add(id);
  const teams = new Set<string>();
  for (const t of state.teams.values()) if (t.leaderIds.includes(me.id) || (t.departmentId !== null && departments.has(t.departmentId))) teams.add(t.id);
  return { everything: false, departments, teams };
}

export const notYours = (what: string) => new DomainError('forbidden', `You do not manage ${what}`);

/** Whether the actor manages this place in the tree (null: the top, which only admins manage). */
export const managesDepartment = (scope: StructureScope, departmentId: string | null): boolean =>
  scope.everything || (departmentId !== null && scope.departments.has(departmentId));

/** Name, description: a department you manage. */
export function requireManagesDepartment(scope: StructureScope, d: Department): void {
  if (!managesDepartment(scope, d.id)) throw notYours(`the department ${d.name}`);
}

/**
 * Where a department sits, its leaders, its deletion: decided one level up, by whoever
 * manages its parent. A department admin cannot move, delete or appoint the leaders of
 * the very department that gives them their role.
 */
export function requireManagesPlace(scope: StructureScope, parentId: string | null, what: string): void {
  if (!managesDepartment(scope, parentId)) throw notYours(parentId === null ? `the top of the organization (${what})` : what);
}

/** Creating, editing or deleting a team: its department must be yours. */
export function requireManagesTeam(scope: StructureScope, t: Team): void {
  if (!managesDepartment(scope, t.departmentId)) throw notYours(`the team ${t.name}`);
}

/** Adding or removing a team's members: your team, or a team of your department. */
export function requireManagesTeamMembership(scope: StructureScope, t: Team): void {
  if (!scope.everything && !scope.teams.has(t.id)) throw notYours(`the team ${t.name}`);
}
