import { subtreeIds } from '#domain';
import type { ReadStore } from '../read-store.port.js';
import { MEMBERS, type MemberDocument } from '../projections/members.projection.js';
import { DEPARTMENTS, TEAMS, type DepartmentDocument, type TeamDocument } from '../projections/structure.projection.js';

export interface TeamView {
  id: string;
  name: string;
  description: string | null;
  departmentId: string | null;
  leaderIds: string[];
  memberCount: number;
  revision: number;
}

export interface DepartmentNode {
  id: string;
  name: string;
  description: string | null;
  parentId: string | null;
  leaderIds: string[];
  revision: number;
  /** Teams anywhere under it, itself included. */
  teamCount: number;
  /** People in those teams, each counted once however many of its teams they are in. */
  memberCount: number;
  departments: DepartmentNode[];
  teams: TeamView[];
}

export interface Structure {
  departments: DepartmentNode[];
  /** Teams in no department. */
  teams: TeamView[];
  totals: { departments: number; teams: number; membersInTeams: number };
}

const teamView = (t: TeamDocument): TeamView => ({
  id: t._id,
  name: t.name,
  description: t.description,
  departmentId: t.departmentId,
  leaderIds: t.leaderIds,
  memberCount: t.memberCount,
  revision: t.version,
});

/**
 * The organization's tree (multi-tenant guide: "Hierarchy"), built from the departments,
 * the teams and, for the distinct member counts, the team lists on the member documents
 * (one read of the members who are in a team, their team ids only).
 */
export async function organizationStructure(store: ReadStore, organizationId: string): Promise<Structure> {
  const [departments, teams] = await Promise.all([
    store.collection<DepartmentDocument>(DEPARTMENTS).find({ organizationId }, { sort: { nameSort: 1, _id: 1 } }),
    store.collection<TeamDocument>(TEAMS).find({ organizationId }, { sort: { nameSort: 1, _id: 1 } }),
  ]);
  const members = teams.length
    ? await store.collection<MemberDocument>(MEMBERS).find({ organizationId, teamIds: { $in: teams.map((t) => t._id) } }, { projection: { teamIds: 1 } })
    : [];

  const teamsOf = new Map<string | null, TeamView[]>();
  for (const t of teams) teamsOf.set(t.departmentId, [...(teamsOf.get(t.departmentId) ?? []), teamView(t)]);
  const childrenOf = new Map<string | null, DepartmentDocument[]>();
  for (const d of departments) childrenOf.set(d.parentId, [...(childrenOf.get(d.parentId) ?? []), d]);

  // Each node with the ids of the teams under it, computed once on the way up.
  const node = (d: DepartmentDocument, depth: number): { node: DepartmentNode; teamIds: Set<string> } => {
    // The domain bounds the depth at 8; the bound here keeps a damaged read model finite.
    const children = depth < 16 ? (childrenOf.get(d._id) ?? []).map((c) => node(c, depth + 1)) : [];
    const own = teamsOf.get(d._id) ?? [];
    const teamIds = new Set([...own.map((t) => t.id), ...children.flatMap((c) => [...c.teamIds])]);
    const memberCount = members.filter((m) => (m.teamIds ?? []).some((id) => teamIds.has(id))).length;
    return {
      node: { id: d._id, name: d.name, description: d.description, parentId: d.parentId, leaderIds: d.leaderIds, revision: d.version, teamCount: teamIds.size, memberCount, departments: children.map((c) => c.node), teams: own },
      teamIds,
    };
  };
  return {
    departments: (childrenOf.get(null) ?? []).map((d) => node(d, 1).node),
    teams: teamsOf.get(null) ?? [],
    totals: { departments: departments.length, teams: teams.length, membersInTeams: members.length },
  };
}

/** The team ids in a department and all its sub-departments: the member list's department filter. */
export async function teamIdsUnder(store: ReadStore, organizationId: string, departmentId: string): Promise<string[] | null> {
  const departments = await store.collection<DepartmentDocument>(DEPARTMENTS).find({ organizationId }, { projection: { parentId: 1 } });
  if (!departments.some((d) => d._id === departmentId)) return null;
  // The domain's walk of the tree, over the documents.
  const under = subtreeIds({ departments: departments.map((d) => ({ id: d._id, parentId: d.parentId })) }, departmentId);
  const teams = await store.collection<TeamDocument>(TEAMS).find({ organizationId, departmentId: { $in: [...under] } }, { projection: { _id: 1 } });
  return teams.map((t) => t._id);
}

export async function getTeam(store: ReadStore, organizationId: string, teamId: string): Promise<TeamView | null> {
  const doc = await store.collection<TeamDocument>(TEAMS).findOne({ _id: teamId, organizationId });
  return doc ? teamView(doc) : null;
}

export async function getDepartment(store: ReadStore, organizationId: string, departmentId: string): Promise<Omit<DepartmentNode, 'departments' | 'teams' | 'teamCount' | 'memberCount'> | null> {
  const d = await store.collection<DepartmentDocument>(DEPARTMENTS).findOne({ _id: departmentId, organizationId });
  return d ? { id: d._id, name: d.name, description: d.description, parentId: d.parentId, leaderIds: d.leaderIds, revision: d.version } : null;
}
