import type { AssignmentTarget, Due, License } from '#domain';
import type { ReadStore } from '../read-store.port.js';
import { escapeRegex } from '../read-store.port.js';
import { ACTIVITIES, ASSIGNMENTS, type ActivityDocument, type AssignmentDocument } from '../projections/content.projection.js';
import type { Page, PageSize } from './organizations.queries.js';
import { activityLearningUsage } from './analytics.queries.js';

export interface ActivityItem {
  id: string;
  title: string;
  category: string | null;
  languageId: string | null;
  activityIri: string;
  kind: 'private' | 'licensed';
  status: 'active' | 'retired';
  license: (License & { seatsUsed: number }) | null;
  /** Learners it is assigned to now; learners who started it and who completed it (from learning records, whoever assigned). */
  usage: { assigned: number; started: number; completed: number };
  createdAt: string;
  revision: number;
}

const activityItem = (d: ActivityDocument): ActivityItem => ({
  id: d._id,
  title: d.title,
  category: d.category,
  languageId: d.languageId,
  activityIri: d.activityIri,
  kind: d.kind,
  status: d.status,
  license: d.license ? { ...d.license, seatsUsed: d.learnerIds.length } : null,
  usage: { assigned: d.learnerIds.length, started: 0, completed: 0 },
  createdAt: d.createdAt,
  revision: d.version,
});

export interface ActivityQuery {
  search?: string;
  category?: string;
  status?: 'active' | 'retired' | 'all';
  kind?: 'private' | 'licensed';
  page: number;
  pageSize: PageSize;
}

/** The library, by title; searched by title, filtered by category, status (active by default) and kind, in pages. */
export async function listActivities(store: ReadStore, organizationId: string, query: ActivityQuery): Promise<Page<ActivityItem>> {
  const filter: Record<string, unknown> = { organizationId };
  const status = query.status ?? 'active';
  if (status !== 'all') filter.status = status;
  if (query.category !== undefined) filter.category = query.category;
  if (query.kind) filter.kind = query.kind;
  const search = query.search?.trim().toLowerCase();
  if (search) filter.titleSort = { $regex: escapeRegex(search) };
  const { items, total } = await store
    .collection<ActivityDocument>(ACTIVITIES)
    .findPage(filter, { sort: { titleSort: 1, _id: 1 }, skip: (query.page - 1) * query.pageSize, limit: query.pageSize, projection: { learnerIds: 1, title: 1, category: 1, languageId: 1, activityIri: 1, kind: 1, status: 1, license: 1, createdAt: 1, version: 1 } });
  return { items: await withLearningUsage(store, organizationId, items.map(activityItem)), total, page: query.page, pageSize: query.pageSize };
}

export async function getActivity(store: ReadStore, organizationId: string, activityId: string): Promise<ActivityItem | null> {
  const d = await store.collection<ActivityDocument>(ACTIVITIES).findOne({ _id: activityId, organizationId });
  return d ? (await withLearningUsage(store, organizationId, [activityItem(d)]))[0] : null;
}

/** Each activity's started and completed usage, from the learning analytics (two counts on an index each). */
async function withLearningUsage(store: ReadStore, organizationId: string, items: ActivityItem[]): Promise<ActivityItem[]> {
  return Promise.all(items.map(async (item) => ({ ...item, usage: { ...item.usage, ...(await activityLearningUsage(store, organizationId, item.activityIri)) } })));
}

/** The library's categories with how many active activities each has (the guide: "organize by category"). */
export async function activityCategories(store: ReadStore, organizationId: string): Promise<{ category: string | null; activities: number }[]> {
  const rows = await store.collection<ActivityDocument>(ACTIVITIES).aggregate<{ _id: string | null; activities: number }>([
    { $match: { organizationId, status: 'active' } },
    { $group: { _id: '$category', activities: { $sum: 1 } } },
    { $sort: { _id: 1 } },
  ]);
  return rows.map((r) => ({ category: r._id ?? null, activities: r.activities }));
}

export interface AssignmentItem {
  id: string;
  activityId: string;
  target: AssignmentTarget;
  learnerCount: number;
  /** Joiners a licensed activity had no seat for. */
  waitingForSeat: string[];
  due: Due | null;
  assignedAt: string;
  status: 'open' | 'cancelled';
  revision: number;
}

const assignmentItem = (d: AssignmentDocument): AssignmentItem => ({
  id: d._id,
  activityId: d.activityId,
  target: d.target,
  learnerCount: d.learnerCount,
  waitingForSeat: d.shortUserIds,
  due: d.due,
  assignedAt: d.assignedAt,
  status: d.status,
  revision: d.version,
});

export interface AssignmentQuery {
  activityId?: string;
  /** One learner's assignments. */
  userId?: string;
  status?: 'open' | 'cancelled' | 'all';
  page: number;
  pageSize: PageSize;
}

/** Assignments, newest first; filtered by activity, learner and status (open by default), in pages. */
export async function listAssignments(store: ReadStore, organizationId: string, query: AssignmentQuery): Promise<Page<AssignmentItem>> {
  const filter: Record<string, unknown> = { organizationId };
  if (query.activityId) filter.activityId = query.activityId;
  if (query.userId) filter.learnerIds = query.userId;
  const status = query.status ?? 'open';
  if (status !== 'all') filter.status = status;
  const { items, total } = await store
    .collection<AssignmentDocument>(ASSIGNMENTS)
    .findPage(filter, { sort: { assignedAt: -1, _id: 1 }, skip: (query.page - 1) * query.pageSize, limit: query.pageSize, projection: { learnerIds: 0 } });
  return { items: items.map(assignmentItem), total, page: query.page, pageSize: query.pageSize };
}

/** One assignment, with its learners. */
export async function getAssignment(store: ReadStore, organizationId: string, assignmentId: string): Promise<(AssignmentItem & { learnerIds: string[] }) | null> {
  const d = await store.collection<AssignmentDocument>(ASSIGNMENTS).findOne({ _id: assignmentId, organizationId });
  return d ? { ...assignmentItem(d), learnerIds: d.learnerIds } : null;
}
