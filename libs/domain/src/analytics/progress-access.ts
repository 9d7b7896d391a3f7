import type { ClassRecord } from '../members/membership.js';
import { scopeOf } from '../structure/scope.js';
import type { StructureActor, StructureState } from '../structure/structure.js';

/**
 * Whose progress a caller may read (issue 19): admins and owners (and super admins)
 * everyone's; a member their own; a team leader the members of the teams they lead; a
 * department admin the members of every team of their departments and the ones below;
 * an analyst, and a platform analyst, everyone's;
 * an instructor the students of the active classes they teach. Read on the
 * organization's current state, so a leadership ended a moment ago no longer counts.
 */
export function mayReadProgressOf(state: StructureState & { classes: { values(): Iterable<ClassRecord> } }, actor: StructureActor, userId: string): boolean {
  if (actor.kind === 'member' && actor.id === userId) return true;
  // Platform analysts read every organization's members' progress, under pseudonyms.
  if (actor.kind === 'platformAnalyst') return true;
  const scope = scopeOf(state, actor);
  if (scope.everything) return true;
  // Analysts read every member's progress (under a pseudonym unless they may also list members).
  if (state.members.get(actor.id)?.status === 'active' && state.members.get(actor.id)?.roles.includes('analyst')) return true;
  for (const teamId of scope.teams) if (state.teams.get(teamId)?.memberIds.includes(userId)) return true;
  if (state.members.get(actor.id)?.status !== 'active') return false;
  for (const klass of state.classes.values()) if (klass.status === 'active' && klass.instructorId === actor.id && klass.studentIds.includes(userId)) return true;
  return false;
}
