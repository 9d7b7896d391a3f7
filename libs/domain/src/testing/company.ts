/**
 * The company the structure and owner specs are given (multi-tenant guide: a company
 * with departments and teams). Built on the school's events and spec runner.
 */
import type { OrganizationEvent } from '../organizations/organization.js';
import { created, invited, org, setUp } from './school.js';

export { spec, org } from './school.js';

const member = (userId: string, roles: Parameters<typeof invited>[1]): OrganizationEvent[] => [invited(userId, roles), setUp(userId)];

export const departmentCreated = (departmentId: string, name: string, parentId: string | null = null, leaderIds: string[] = []): OrganizationEvent => ({
  type: 'DepartmentCreated',
  data: { organizationId: org, departmentId, name, description: null, parentId, leaderIds },
});
export const teamCreated = (teamId: string, name: string, departmentId: string | null = null, leaderIds: string[] = []): OrganizationEvent => ({
  type: 'TeamCreated',
  data: { organizationId: org, teamId, name, description: null, departmentId, leaderIds },
});
export const joined = (teamId: string, ...userIds: string[]): OrganizationEvent => ({ type: 'TeamMembersAdded', data: { organizationId: org, teamId, userIds } });

/**
 * Olga owns it; Ann is an admin; Dora leads Engineering (department admin) and Lee leads
 * the Platform team; Max and Mia are members; Pat was invited and never set up.
 *
 *   Engineering (Dora)          Sales
 *   ├── Backend                 └── team Field Sales
 *   │   └── team Platform (Lee): Max
 *   └── team Frontend: Mia
 */
export const company: OrganizationEvent[] = [
  created,
  ...member('olga', ['owner', 'admin']),
  ...member('ann', ['admin']),
  ...member('dora', ['member']),
  ...member('lee', ['member']),
  ...member('max', ['member']),
  ...member('mia', ['member']),
  invited('pat', ['member']),
  departmentCreated('eng', 'Engineering', null, ['dora']),
  departmentCreated('backend', 'Backend', 'eng'),
  departmentCreated('sales', 'Sales'),
  teamCreated('platform', 'Platform', 'backend', ['lee']),
  teamCreated('frontend', 'Frontend', 'eng'),
  teamCreated('field', 'Field Sales', 'sales'),
  joined('platform', 'max'),
  joined('frontend', 'mia'),
];

export const as = (id: string) => ({ id, kind: 'member' });
export const superAdmin = { id: 'root', kind: 'superAdmin' };
