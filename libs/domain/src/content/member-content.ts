import type { ExistingOrganization } from '../organizations/organization.js';
import { accessTo, type AccessAnswer } from './access.js';
import type { Activity, AssignmentTarget, Due, LibraryState } from './library.js';

/** One activity a member has, with the open assignments that give it and whether they can reach it now. */
export interface MemberContentItem {
  activity: Pick<Activity, 'id' | 'title' | 'category' | 'languageId' | 'activityIri' | 'kind' | 'status'>;
  assignments: { id: string; via: AssignmentTarget['kind']; due: Due | null; assignedAt: string }[];
  /** The earliest due date among them (null: none is due). */
  nextDueAt: string | null;
  access: AccessAnswer;
}

/**
 * The content a member has (multi-tenant guide, "Member Roles": a member sees the
 * organization's content and their own progress): every activity of an open assignment
 * they are among, once however many assignments give it, the soonest due first, then by
 * title. Read on the organization's and the library's state, as of `now`.
 */
export function memberContent(org: ExistingOrganization, library: LibraryState, userId: string, now: string): MemberContentItem[] {
  const byActivity = new Map<string, MemberContentItem['assignments']>();
  for (const a of library.assignments.values()) {
    if (a.status !== 'open' || !a.learners.includes(userId)) continue;
    byActivity.set(a.activityId, [...(byActivity.get(a.activityId) ?? []), { id: a.id, via: a.target.kind, due: a.due, assignedAt: a.assignedAt }]);
  }
  const items: MemberContentItem[] = [];
  for (const [activityId, assignments] of byActivity) {
    const act = library.activities.get(activityId);
    if (!act) continue;
    const dues = assignments.map((a) => a.due?.at).filter((at): at is string => at !== undefined).sort();
    items.push({
      activity: { id: act.id, title: act.title, category: act.category, languageId: act.languageId, activityIri: act.activityIri, kind: act.kind, status: act.status },
      assignments: assignments.sort((x, y) => x.assignedAt.localeCompare(y.assignedAt)),
      nextDueAt: dues[0] ?? null,
      access: accessTo(org, library, userId, activityId, now),
    });
  }
  return items.sort((x, y) => (x.nextDueAt ?? '\uffff').localeCompare(y.nextDueAt ?? '\uffff') || x.activity.title.localeCompare(y.activity.title));
}
