import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { requireManagesPlace, requireManagesTeam, requireManagesTeamMembership, scopeOf } from './scope.js';
import { sameName, team, validMembers, validUnit, type StructureCommand, type StructureEvent, type StructureState } from './structure.js';

/** Teams (multi-tenant guide: "Teams"): a name unique in the organization, an optional department, leaders and members. */
type Command<T extends StructureCommand['type']> = Extract<StructureCommand, { type: T }>;

function departmentFor(state: StructureState, departmentId: unknown): string | null {
  if (departmentId === null || departmentId === undefined) return null;
  if (typeof departmentId !== 'string' || !state.departments.has(departmentId))
    throw new ValidationFailed('invalid-team', [{ field: 'departmentId', message: 'departmentId must name a department of this organization, or be null' }]);
  return departmentId;
}

function requireUniqueName(state: StructureState, name: string, exceptId?: string): void {
  for (const t of state.teams.values())
    if (t.id !== exceptId && sameName(t.name, name)) throw new DomainError('team-name-taken', `Another team is already called ${t.name}`, { team: { id: t.id, name: t.name } });
}

export function createTeam(command: Command<'CreateTeam'>, state: StructureState): StructureEvent[] {
  const { teamId, actor } = command.data;
  if (state.teams.has(teamId)) throw new DomainError('team-already-exists', 'A team with this id already exists');
  const { name, description } = validUnit('team', command.data, undefined);
  const departmentId = departmentFor(state, command.data.departmentId);
  const leaderIds = validMembers(state, 'team', 'leaderIds', command.data.leaderIds ?? []);
  requireManagesPlace(scopeOf(state, actor), departmentId, 'the department the team would be in');
  requireUniqueName(state, name);
  return [{ type: 'TeamCreated', data: { organizationId: state.id, teamId, name, description, departmentId, leaderIds } }];
}

export function editTeam(command: Command<'EditTeam'>, state: StructureState): StructureEvent[] {
  const t = team(state, command.data.teamId);
  const scope = scopeOf(state, command.data.actor);
  requireManagesTeam(scope, t);
  const { name, description } = validUnit('team', command.data, t);
  const departmentId = command.data.departmentId === undefined ? t.departmentId : departmentFor(state, command.data.departmentId);
  const leaderIds = command.data.leaderIds === undefined ? t.leaderIds : validMembers(state, 'team', 'leaderIds', command.data.leaderIds);

  const changes: Extract<StructureEvent, { type: 'TeamEdited' }>['data']['changes'] = {};
  if (name !== t.name) changes.name = { before: t.name, after: name };
  if (description !== t.description) changes.description = { before: t.description, after: description };
  if (departmentId !== t.departmentId) changes.departmentId = { before: t.departmentId, after: departmentId };
  if (leaderIds.join() !== t.leaderIds.join()) changes.leaderIds = { before: t.leaderIds, after: leaderIds };
  if (Object.keys(changes).length === 0) return [];

  if (changes.departmentId) requireManagesPlace(scope, departmentId, 'the department it would move to');
  if (changes.name) requireUniqueName(state, name, t.id);
  return [{ type: 'TeamEdited', data: { organizationId: state.id, teamId: t.id, changes } }];
}

/** Deleting a team: its members stay in the organization. */
export function deleteTeam(command: Command<'DeleteTeam'>, state: StructureState): StructureEvent[] {
  const t = team(state, command.data.teamId);
  requireManagesTeam(scopeOf(state, command.data.actor), t);
  return [{ type: 'TeamDeleted', data: { organizationId: state.id, teamId: t.id, name: t.name, leaderIds: t.leaderIds, memberIds: t.memberIds } }];
}

/** Adding members to a team: those already in it are left as they are. */
export function addTeamMembers(command: Command<'AddTeamMembers'>, state: StructureState): StructureEvent[] {
  const t = team(state, command.data.teamId);
  requireManagesTeamMembership(scopeOf(state, command.data.actor), t);
  const userIds = validMembers(state, 'team', 'userIds', command.data.userIds);
  if (userIds.length === 0) throw new ValidationFailed('invalid-team', [{ field: 'userIds', message: 'userIds must name at least one member' }]);
  // A set: a 50,000-member team gains members 500 at a time during an import.
  const already = new Set(t.memberIds);
  const joining = userIds.filter((id) => !already.has(id));
  if (joining.length === 0) return [];
  return [{ type: 'TeamMembersAdded', data: { organizationId: state.id, teamId: t.id, userIds: joining } }];
}

/** Removing a member from a team: they stay in the organization and in their other teams. */
export function removeTeamMember(command: Command<'RemoveTeamMember'>, state: StructureState): StructureEvent[] {
  const t = team(state, command.data.teamId);
  requireManagesTeamMembership(scopeOf(state, command.data.actor), t);
  if (!state.members.get(command.data.userId)) throw new DomainError('user-not-found', 'No such user in this organization');
  if (!t.memberIds.includes(command.data.userId)) return [];
  return [{ type: 'TeamMemberRemoved', data: { organizationId: state.id, teamId: t.id, userId: command.data.userId } }];
}
