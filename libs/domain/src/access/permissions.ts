/**
 * The permission matrix of the guide ("Organization Permissions Reference"). Every
 * route declares one of these permissions; one guard checks it. Scope matters as much
 * as the permission: an admin's "edit org settings" holds for their own organization
 * only, and any other organization's id answers 404 as if it did not exist.
 */
export type Permission =
  | 'account:self'
  | 'organization:create'
  | 'organization:list'
  | 'organization:view'
  | 'organization:edit'
  | 'organization:arrears'
  | 'user:list'
  | 'user:manage'
  | 'class:view'
  | 'class:manage'
  | 'user:export'
  | 'audit:read'
  | 'audit:export'
  | 'audit:verify'
  | 'platform:auditors'
  | 'sso:manage'
  | 'structure:view'
  | 'structure:manage'
  | 'team:members'
  | 'team:roster'
  | 'organization:transfer'
  | 'organization:lookup'
  | 'organization:delete'
  | 'organization:restore'
  | 'language:read'
  | 'language:manage'
  | 'dictionary:read'
  | 'dictionary:manage'
  | 'content:read'
  | 'content:manage'
  | 'xapi:manage'
  | 'analytics:read'
  | 'progress:read'
  | 'personal-data:export'
  | 'personal-data:erase';

/**
 * Roles inside one organization (both guides' "Member Roles", merged). `owner` is an
 * admin who also holds billing, ownership transfer and deletion: every owner holds the
 * admin role too (the roles are normalised so), so each admin rule covers owners.
 * `auditor` is read-only: the audit log, the exports, the member list (also as of a
 * past date) and the chain verification, nothing else. `analyst` reads the reports and
 * their exports (issue 19), with members under pseudonyms unless they may also list
 * members; nothing else but their own organization's chart. `member` is a learner or
 * employee: their organization's structure, their own teams.
 */
export type OrganizationRole = 'owner' | 'admin' | 'instructor' | 'auditor' | 'analyst' | 'member';

/**
 * Roles scoped to part of the organization, held by leading a department (its
 * department admins) or a team. The guard lets them reach the structure routes; the
 * decider then checks the very department or team on the organization's current state.
 */
export type ScopedRole = 'departmentAdmin' | 'teamLeader';
export type AccessRole = OrganizationRole | ScopedRole;

export type Principal =
  | { kind: 'superAdmin'; id: string; email: string }
  /** The platform-wide auditor: reads every organization's audit trail, changes nothing. */
  | { kind: 'platformAuditor'; id: string; email: string }
  /** The platform-wide analyst (issue 19): reads every organization's reports and exports, members under pseudonyms. */
  | { kind: 'platformAnalyst'; id: string; email: string }
  | { kind: 'member'; id: string; email: string; organizationId: string; roles: AccessRole[] };

export interface PermissionRule {
  superAdmin: boolean;
  platformAuditor: boolean;
  platformAnalyst: boolean;
  memberRoles: AccessRole[];
  /**
   * Bound to the caller's own organization: another organization's id is a 404 for a
   * member, and a request naming no organization (platform-wide) is not for members.
   */
  orgScoped: boolean;
}

const rule = (superAdmin: boolean, platformAuditor: boolean, memberRoles: AccessRole[], orgScoped: boolean, platformAnalyst = false): PermissionRule => ({
  superAdmin,
  platformAuditor,
  platformAnalyst,
  memberRoles,
  orgScoped,
});

/** Who may hold each permission, and whether it is bound to their own organization. */
export const PERMISSION_MATRIX: Record<Permission, PermissionRule> = {
  /** Signing out, reading one's own profile: anyone signed in. */
  'account:self': rule(true, true, ['owner', 'admin', 'instructor', 'auditor', 'analyst', 'member'], false, true),
  'organization:create': rule(true, false, [], false),
  /** Every organization, by name (no contacts): super admins; platform analysts, to know which to read the reports of. */
  'organization:list': rule(true, false, [], false, true),
  'organization:view': rule(true, false, ['admin'], true),
  'organization:edit': rule(true, false, ['admin'], true),
  'organization:arrears': rule(true, false, [], true),
  /** Guide: manage, add, edit, deactivate and delete users: admins (and instructor admins) of their own organization. Auditors read the list. */
  'user:list': rule(true, true, ['admin', 'auditor'], true),
  'user:manage': rule(true, false, ['admin'], true),
  /** The member list as a file: admins and auditors. */
  'user:export': rule(true, true, ['admin', 'auditor'], true),
  /** Guide: view all classes; an instructor sees their assigned classes only (filtered by the route). */
  'class:view': rule(true, false, ['admin', 'instructor'], true),
  /** Guide, workflow step 6: instructors create classes and teach; they work on their own only. */
  'class:manage': rule(true, false, ['admin', 'instructor'], true),
  /** The organization's audit log: its admins and auditors, super admins and platform auditors. */
  'audit:read': rule(true, true, ['admin', 'auditor'], true),
  /** The full replay from the log: an organization's for its admins and auditors, the platform's for super admins and platform auditors. */
  'audit:export': rule(true, true, ['admin', 'auditor'], true),
  /** Recomputing the tamper-evident chains reads the whole log: auditors and super admins. */
  'audit:verify': rule(true, true, ['auditor'], true),
  /** Inviting and removing platform auditors: super admins. */
  'platform:auditors': rule(true, false, [], false),
  /** Enterprise SSO providers (guide: Enterprise SSO Management, Super Admin). */
  'sso:manage': rule(true, false, [], false),
  /** The departments and teams, with counts: the organization's chart, for everyone in it. */
  'structure:view': rule(true, true, ['owner', 'admin', 'instructor', 'auditor', 'analyst', 'member'], true, true),
  /** Creating, editing, moving and deleting departments and teams: admins, and department admins within their departments. */
  'structure:manage': rule(true, false, ['owner', 'admin', 'departmentAdmin'], true),
  /** Who is in a team: admins, department admins for their departments' teams, team leaders for their teams. */
  'team:members': rule(true, false, ['owner', 'admin', 'departmentAdmin', 'teamLeader'], true),
  /**
   * Reading who is in a team: those who manage its membership, and members (the
   * multi-tenant guide's learner role: "their own progress and teams") of that very team
   * when the organization's privacy policy lets members see one another. The guard lets
   * members reach the route; the organization's state decides (structure/team-roster.ts).
   */
  'team:roster': rule(true, false, ['owner', 'admin', 'departmentAdmin', 'teamLeader', 'member'], true),
  /** Handing the organization to another member: its owners. */
  'organization:transfer': rule(false, false, ['owner'], true),
  /** Finding an organization by its slug: anyone signed in, answered for their own organization only (super admins: any). */
  'organization:lookup': rule(true, false, ['owner', 'admin', 'instructor', 'auditor', 'analyst', 'member'], false),
  /** Deleting the organization (restorable for 30 days): its owners and super admins. */
  'organization:delete': rule(true, false, ['owner'], true),
  /** Restoring an organization being deleted: super admins. */
  'organization:restore': rule(true, false, [], true),
  /** The platform's languages: everyone signed in reads them (an admin UI's pickers need them). */
  'language:read': rule(true, true, ['owner', 'admin', 'instructor', 'auditor', 'analyst', 'member'], false, true),
  /** Adding, editing and removing languages (guide: Language Management, Super Admin). */
  'language:manage': rule(true, false, [], false),
  /** The organization's translation dictionary: instructors read it (guide: Translations). */
  'dictionary:read': rule(true, false, ['admin', 'instructor'], true),
  /** Adding, editing, removing, importing: admins, instructor admins among them (guide: Translations → Manage translation dictionary). */
  'dictionary:manage': rule(true, false, ['admin'], true),
  /** The content library and its assignments: admins, and instructors who teach with it (multi-tenant guide: Content Management). */
  'content:read': rule(true, false, ['admin', 'instructor'], true),
  /** Adding, editing, retiring and assigning content, and checking a member's access: admins (guide: "Assigned by admins"). */
  'content:manage': rule(true, false, ['admin'], true),
  /** The organization's xAPI credentials (issued, listed, revoked): its admins. */
  'xapi:manage': rule(true, false, ['admin'], true),
  /** The organization's reports and their exports: its admins (both guides' dashboard is the admins') and analysts, and platform analysts for every organization (issue 19). */
  'analytics:read': rule(true, false, ['admin', 'analyst'], true, true),
  /**
   * A member's progress: members see their own, team leaders their teams', department
   * admins their departments', admins everyone's (issue 19). The guard lets every member
   * reach the route; which member's progress is then decided on the organization's state.
   */
  'progress:read': rule(true, false, ['admin', 'analyst', 'instructor', 'member', 'departmentAdmin', 'teamLeader'], true, true),
  /**
   * A person's personal-data export (GDPR articles 15 and 20; issue 20): admins (and super
   * admins) anyone's, everyone else their own. The guard lets every member reach the
   * route; the handler then allows admins and the person.
   */
  'personal-data:export': rule(true, false, ['owner', 'admin', 'instructor', 'auditor', 'analyst', 'member'], true),
  /** Erasing a deactivated member's personal data (GDPR article 17; issue 20): the organization's admins and super admins. */
  'personal-data:erase': rule(true, false, ['admin'], true),
};

export type AccessDecision = 'allow' | 'forbidden' | 'not-found';

/**
 * Decides one request. `targetOrganizationId` is the organization named by the route,
 * if any. Outside their own organization a member gets 'not-found', never 'forbidden',
 * so ids of other tenants are never confirmed.
 */
export function decideAccess(principal: Principal, permission: Permission, targetOrganizationId?: string): AccessDecision {
  const granted = PERMISSION_MATRIX[permission];
  if (principal.kind === 'superAdmin') return granted.superAdmin ? 'allow' : 'forbidden';
  if (principal.kind === 'platformAuditor') return granted.platformAuditor ? 'allow' : 'forbidden';
  if (principal.kind === 'platformAnalyst') return granted.platformAnalyst ? 'allow' : 'forbidden';
  if (granted.orgScoped && targetOrganizationId !== undefined && targetOrganizationId !== principal.organizationId) return 'not-found';
  if (!principal.roles.some((role) => granted.memberRoles.includes(role))) return 'forbidden';
  // A platform-wide request (no organization named) is never a member's.
  if (granted.orgScoped && targetOrganizationId === undefined) return 'forbidden';
  return 'allow';
}
