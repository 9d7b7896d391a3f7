import { DomainError } from '../shared/domain-error.js';
import { notYours, scopeOf } from './scope.js';
import type { StructureActor, StructureState, Team } from './structure.js';

/**
 * Who may read a team's members (issue 17's privacy policy, "whether members can see
 * other members' names and emails"): whoever manages the team's membership always; an
 * active member of the team, or one of its leaders, when the organization lets members
 * see one another (403 members-private when it does not); nobody else (403).
 */
export function requireSeesTeamMembers(state: StructureState, membersSeeOtherMembers: boolean, actor: StructureActor | undefined, t: Team): void {
  const scope = scopeOf(state, actor);
  if (scope.everything || scope.teams.has(t.id)) return;
  const me = actor?.kind === 'member' ? state.members.get(actor.id) : undefined;
  const inTeam = me !== undefined && me.status === 'active' && (t.memberIds.includes(me.id) || t.leaderIds.includes(me.id));
  if (!inTeam) throw notYours(`the team ${t.name}`);
  if (!membersSeeOtherMembers) throw new DomainError('members-private', "This organization does not show its members' names and emails to other members");
}
