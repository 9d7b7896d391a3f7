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
  | 'audit:verify';

export type OrganizationRole = 'admin' | 'instructor';

export type Principal =
  | { kind: 'superAdmin'; id: string; email: string }
  | { kind: 'member'; id: string; email: string; organizationId: string; roles: OrganizationRole[] };

/** Who may hold each permission, and whether it is bound to their own organization. */
export const PERMISSION_MATRIX: Record<Permission, { superAdmin: boolean; memberRoles: OrganizationRole[]; orgScoped: boolean }> = {
  /** Signing out, reading one's own profile: anyone signed in. */
  'account:self': { superAdmin: true, memberRoles: ['admin', 'instructor'], orgScoped: false },
  'organization:create': { superAdmin: true, memberRoles: [], orgScoped: false },
  'organization:list': { superAdmin: true, memberRoles: [], orgScoped: false },
  'organization:view': { superAdmin: true, memberRoles: ['admin'], orgScoped: true },
  'organization:edit': { superAdmin: true, memberRoles: ['admin'], orgScoped: true },
  'organization:arrears': { superAdmin: true, memberRoles: [], orgScoped: true },
  /** Guide: manage, add, edit, deactivate and delete users: admins (and instructor admins) of their own organization. */
  'user:list': { superAdmin: true, memberRoles: ['admin'], orgScoped: true },
  'user:manage': { superAdmin: true, memberRoles: ['admin'], orgScoped: true },
  /** Guide: view all classes; an instructor sees their assigned classes only (filtered by the route). */
  'class:view': { superAdmin: true, memberRoles: ['admin', 'instructor'], orgScoped: true },
  /** Guide, workflow step 6: instructors create classes and teach; they work on their own only. */
  'class:manage': { superAdmin: true, memberRoles: ['admin', 'instructor'], orgScoped: true },
  /** Verifying the tamper-evident chains reads the whole log: super admins (auditors come with the audit issue). */
  'audit:verify': { superAdmin: true, memberRoles: [], orgScoped: false },
};

export type AccessDecision = 'allow' | 'forbidden' | 'not-found';

/**
 * Decides one request. `targetOrganizationId` is the organization named by the route,
 * if any. Outside their own organization a member gets 'not-found', never 'forbidden',
 * so ids of other tenants are never confirmed.
 */
export function decideAccess(principal: Principal, permission: Permission, targetOrganizationId?: string): AccessDecision {
  const rule = PERMISSION_MATRIX[permission];
  if (principal.kind === 'superAdmin') return rule.superAdmin ? 'allow' : 'forbidden';
  if (rule.orgScoped && targetOrganizationId !== undefined && targetOrganizationId !== principal.organizationId) return 'not-found';
  return principal.roles.some((role) => rule.memberRoles.includes(role)) ? 'allow' : 'forbidden';
}
