import { PERMISSION_MATRIX, type AccessRole, type Permission } from '#domain';
import type { RouteInfo } from './routes.js';

/** The README's columns: who is asking, as the domain's matrix names them. */
export const TABLE_COLUMNS: { name: string; kind: 'superAdmin' | 'platformAuditor' | 'platformAnalyst' | 'member'; roles: AccessRole[] }[] = [
  { name: 'super admin', kind: 'superAdmin', roles: [] },
  { name: 'platform auditor', kind: 'platformAuditor', roles: [] },
  { name: 'owner', kind: 'member', roles: ['owner', 'admin'] },
  { name: 'admin', kind: 'member', roles: ['admin'] },
  { name: 'instructor admin', kind: 'member', roles: ['admin', 'instructor'] },
  { name: 'instructor', kind: 'member', roles: ['instructor'] },
  { name: 'auditor', kind: 'member', roles: ['auditor'] },
  { name: 'member', kind: 'member', roles: ['member'] },
  { name: 'department admin', kind: 'member', roles: ['member', 'departmentAdmin'] },
  { name: 'team leader', kind: 'member', roles: ['member', 'teamLeader'] },
  { name: 'analyst', kind: 'member', roles: ['analyst'] },
  { name: 'platform analyst', kind: 'platformAnalyst', roles: [] },
];

const SCOPED = new Set<AccessRole>(['departmentAdmin', 'teamLeader']);

function cell(permission: Permission, column: (typeof TABLE_COLUMNS)[number]): string {
  const rule = PERMISSION_MATRIX[permission];
  if (column.kind === 'superAdmin') return rule.superAdmin ? 'yes' : '–';
  if (column.kind === 'platformAuditor') return rule.platformAuditor ? 'yes' : '–';
  if (column.kind === 'platformAnalyst') return rule.platformAnalyst ? 'yes' : '–';
  const granted = column.roles.filter((r) => rule.memberRoles.includes(r));
  if (granted.length === 0) return '–';
  const where = granted.every((r) => SCOPED.has(r)) ? 'their units' : rule.orgScoped ? 'own org' : 'yes';
  return where;
}

/**
 * The README's "Who may call what" table, generated from the code: each route with the
 * permission it declares and, from the domain's PERMISSION_MATRIX, who holds it.
 * `own org`: in their own organization only (another one is a 404); `their units`: on
 * the departments or teams they lead (another is a 403, decided by the command).
 */
export function permissionTable(routes: RouteInfo[]): string {
  const header = `| route | permission | ${TABLE_COLUMNS.map((c) => c.name).join(' | ')} |`;
  const rule = `|---|---|${TABLE_COLUMNS.map(() => '---').join('|')}|`;
  const rows = [...routes]
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .map((r) => {
      if (r.permission === 'public') return `| \`${r.route}\` | public | ${TABLE_COLUMNS.map(() => 'anyone').join(' | ')} |`;
      if (r.permission === 'xapi-client') return `| \`${r.route}\` | xAPI credential (HTTP Basic) | ${TABLE_COLUMNS.map(() => '–').join(' | ')} |`;
      const permission = r.permission as Permission;
      return `| \`${r.route}\` | \`${permission}\` | ${TABLE_COLUMNS.map((c) => cell(permission, c)).join(' | ')} |`;
    });
  return [header, rule, ...rows].join('\n');
}

export const TABLE_START = '<!-- permission-table:start (generated: UPDATE_README=1 npm run test:permissions) -->';
export const TABLE_END = '<!-- permission-table:end -->';
