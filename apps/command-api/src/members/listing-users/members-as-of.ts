import { fold, organizationDecider, organizationStreamName, subtreeIds, type OrganizationEvent } from '#domain';
import type { EventStore } from '#event-store';
import type { MemberListItem } from '#read-models';
import type { Page, PageSize } from '#read-models';
import { upcastRecorded } from '#runtime';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The member list as it was at `asOf`: the organization's stream folded up to the
 * last event that occurred at or before that moment, then searched, filtered, sorted
 * and paged like the live list.
 */
export async function membersAsOf(
  events: EventStore,
  organizationId: string,
  asOf: string,
  query: { search?: string; showDeactivated?: boolean; status?: string; role?: string; teamId?: string; departmentId?: string; page: number; pageSize: PageSize },
): Promise<Page<MemberListItem>> {
  const stream = await events.readStream(organizationStreamName(organizationId));
  const past = stream.filter((e) => String(e.metadata.occurredAt ?? e.recordedAt) <= asOf).map(upcastRecorded);
  const state = fold(organizationDecider, past.map((e) => ({ type: e.type, data: e.data }) as OrganizationEvent));
  if (state.status !== 'existing') return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
  const search = query.search?.trim().toLowerCase();
  // Teams and roles as they were then: who was in which team at that moment.
  const teamsOf = new Map<string, string[]>();
  for (const t of state.teams.values()) for (const id of t.memberIds) teamsOf.set(id, [...(teamsOf.get(id) ?? []), t.id]);
  const departments = query.departmentId && state.departments.has(query.departmentId) ? subtreeIds(state, query.departmentId) : new Set<string>();
  const wanted = query.teamId
    ? new Set([query.teamId])
    : query.departmentId
      ? new Set([...state.teams.values()].filter((t) => t.departmentId !== null && departments.has(t.departmentId)).map((t) => t.id))
      : null;
  const members = [...state.members.values()]
    .filter((m) => (query.status ? m.status === query.status : query.showDeactivated || m.status !== 'deactivated'))
    .filter((m) => !query.role || (m.roles as string[]).includes(query.role))
    .filter((m) => !wanted || (teamsOf.get(m.id) ?? []).some((id) => wanted.has(id)))
    .filter((m) => !search || `${m.firstName} ${m.lastName}`.toLowerCase().includes(search) || m.email.toLowerCase().includes(search))
    // The live list's order: lower-cased last name, first name, then id, compared plainly.
    .sort((a, b) => compare(a.lastName.toLowerCase(), b.lastName.toLowerCase()) || compare(a.firstName.toLowerCase(), b.firstName.toLowerCase()) || compare(a.id, b.id));
  const start = (query.page - 1) * query.pageSize;
  return {
    items: members.slice(start, start + query.pageSize).map((m) => ({ id: m.id, email: m.email, firstName: m.firstName, lastName: m.lastName, roles: [...m.roles], status: m.status, teamIds: (teamsOf.get(m.id) ?? []).sort() })),
    total: members.length,
    page: query.page,
    pageSize: query.pageSize,
  };
}
