import type { ReadStore } from '../read-store.port.js';
import { escapeRegex } from '../read-store.port.js';
import { CLASSES, MEMBERS, type ClassDocument, type MemberDocument } from '../projections/members.projection.js';
import type { Page, PageSize } from './organizations.queries.js';

export interface MemberListItem {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: string[];
  status: MemberDocument['status'];
  teamIds: string[];
}

const toItem = (d: MemberDocument): MemberListItem => ({
  id: d._id,
  email: d.email,
  firstName: d.firstName,
  lastName: d.lastName,
  roles: d.roles,
  status: d.status,
  teamIds: d.teamIds ?? [],
});

/** The guide's user list: search on name or email, deactivated hidden unless asked, sorted by last then first name. */
export async function listMembers(
  store: ReadStore,
  organizationId: string,
  query: {
    search?: string;
    showDeactivated?: boolean;
    /** One status; it overrides showDeactivated. */
    status?: MemberDocument['status'];
    role?: string;
    /** Members of any of these teams (a team, or every team under a department). */
    teamIds?: string[];
    page: number;
    pageSize: PageSize;
  },
): Promise<Page<MemberListItem>> {
  const filter: Record<string, unknown> = { organizationId };
  if (query.status) filter.status = query.status;
  else if (!query.showDeactivated) filter.status = { $ne: 'deactivated' };
  if (query.role) filter.roles = query.role;
  if (query.teamIds) filter.teamIds = { $in: query.teamIds };
  const search = query.search?.trim().toLowerCase();
  if (search) {
    const pattern = escapeRegex(search);
    filter.$or = [{ nameSearch: { $regex: pattern } }, { emailNormalized: { $regex: pattern } }];
  }
  const collection = store.collection<MemberDocument>(MEMBERS);
  const { items: docs, total } = await collection.findPage(filter, {
    sort: { lastNameSort: 1, firstNameSort: 1, _id: 1 },
    skip: (query.page - 1) * query.pageSize,
    limit: query.pageSize,
  });
  return { items: docs.map(toItem), total, page: query.page, pageSize: query.pageSize };
}

/** One user, with its version (`revision`, also sent as the ETag). */
export async function getMember(store: ReadStore, organizationId: string, userId: string): Promise<(MemberListItem & { revision: number }) | null> {
  const doc = await store.collection<MemberDocument>(MEMBERS).findOne({ _id: userId, organizationId });
  return doc ? { ...toItem(doc), revision: doc.version } : null;
}

/** Guide, Deactivating Users: active instructors who have set a password, other than the leaving user. */
export async function listReassignmentCandidates(store: ReadStore, organizationId: string, leavingUserId: string): Promise<MemberListItem[]> {
  const docs = await store
    .collection<MemberDocument>(MEMBERS)
    .find({ organizationId, status: 'active', roles: 'instructor', passwordSet: true, _id: { $ne: leavingUserId } }, { sort: { lastNameSort: 1, firstNameSort: 1, _id: 1 } });
  return docs.map(toItem);
}

/** The invitation a setup link belongs to, by the hash of its token. */
export async function findInvitationByTokenHash(store: ReadStore, tokenHash: string): Promise<MemberDocument | null> {
  return store.collection<MemberDocument>(MEMBERS).findOne({ setupTokenHash: tokenHash });
}

export interface ClassListItem {
  id: string;
  name: string;
  instructorId: string;
  status: ClassDocument['status'];
  languageId: string | null;
}

export async function listClasses(
  store: ReadStore,
  organizationId: string,
  query: { search?: string; instructorId?: string; status?: 'active' | 'archived' | 'all'; page: number; pageSize: PageSize },
): Promise<Page<ClassListItem>> {
  const filter: Record<string, unknown> = { organizationId };
  if (query.instructorId) filter.instructorId = query.instructorId;
  const status = query.status ?? 'active';
  if (status !== 'all') filter.status = status;
  const search = query.search?.trim().toLowerCase();
  if (search) filter.nameSort = { $regex: escapeRegex(search) };
  const collection = store.collection<ClassDocument>(CLASSES);
  const { items: docs, total } = await collection.findPage(filter, { sort: { nameSort: 1, _id: 1 }, skip: (query.page - 1) * query.pageSize, limit: query.pageSize });
  return { items: docs.map((d) => ({ id: d._id, name: d.name, instructorId: d.instructorId, status: d.status, languageId: d.languageId ?? null })), total, page: query.page, pageSize: query.pageSize };
}

/** One class, with its version (`revision`, also sent as the ETag). */
export async function getClass(store: ReadStore, organizationId: string, classId: string): Promise<(ClassListItem & { studentIds: string[]; revision: number }) | null> {
  const d = await store.collection<ClassDocument>(CLASSES).findOne({ _id: classId, organizationId });
  return d ? { id: d._id, name: d.name, instructorId: d.instructorId, status: d.status, languageId: d.languageId ?? null, studentIds: d.studentIds ?? [], revision: d.version } : null;
}
