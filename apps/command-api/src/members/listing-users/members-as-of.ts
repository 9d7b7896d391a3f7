import { fold, organizationDecider, organizationStreamName, type OrganizationEvent } from '#domain';
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
  query: { search?: string; showDeactivated?: boolean; page: number; pageSize: PageSize },
): Promise<Page<MemberListItem>> {
  const stream = await events.readStream(organizationStreamName(organizationId));
  const past = stream.filter((e) => String(e.metadata.occurredAt ?? e.recordedAt) <= asOf).map(upcastRecorded);
  const state = fold(organizationDecider, past.map((e) => ({ type: e.type, data: e.data }) as OrganizationEvent));
  if (state.status !== 'existing') return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
  const search = query.search?.trim().toLowerCase();
  const members = [...state.members.values()]
    .filter((m) => query.showDeactivated || m.status !== 'deactivated')
    .filter((m) => !search || `${m.firstName} ${m.lastName}`.toLowerCase().includes(search) || m.email.toLowerCase().includes(search))
    // The live list's order: lower-cased last name, first name, then id, compared plainly.
    .sort((a, b) => compare(a.lastName.toLowerCase(), b.lastName.toLowerCase()) || compare(a.firstName.toLowerCase(), b.firstName.toLowerCase()) || compare(a.id, b.id));
  const start = (query.page - 1) * query.pageSize;
  return {
    items: members.slice(start, start + query.pageSize).map((m) => ({ id: m.id, email: m.email, firstName: m.firstName, lastName: m.lastName, roles: [...m.roles], status: m.status })),
    total: members.length,
    page: query.page,
    pageSize: query.pageSize,
  };
}
