import { DomainError } from '../shared/domain-error.js';
import { emailKey } from '../shared/email.js';
import type { FieldError } from '../shared/domain-error.js';
import type { ExistingOrganization } from '../organizations/organization.js';
import { editUser } from './editing-user.js';
import { checkInvitation } from './inviting-user.js';

/**
 * Member import from a CSV file with a dry run (multi-tenant guide, Import Members; issue
 * 17). The file is read by the application (a streaming CSV parser); here each row is
 * planned on the organization's current state by the rules of a single invitation or
 * edit, so the plan says exactly what applying it would do. Pure: no I/O.
 */

/** The columns a file may have, by their canonical names. */
export const IMPORT_COLUMNS = ['email', 'firstName', 'lastName', 'roles', 'teams', 'department'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Header spellings people use, reduced to letters and digits in lower case: "First Name", "first_name", "FIRSTNAME". */
const ALIASES: Record<string, ImportColumn> = {
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  firstname: 'firstName',
  givenname: 'firstName',
  lastname: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  roles: 'roles',
  role: 'roles',
  teams: 'teams',
  team: 'teams',
  department: 'department',
  dept: 'department',
};

/** Which column of the file holds which field; unknown headers are reported, a missing email column refuses the file. */
export function importColumns(header: string[]): { columns: Partial<Record<ImportColumn, number>>; unknown: string[]; errors: FieldError[] } {
  const columns: Partial<Record<ImportColumn, number>> = {};
  const unknown: string[] = [];
  const errors: FieldError[] = [];
  header.forEach((raw, index) => {
    const name = ALIASES[raw.replace(/^\uFEFF/, '').toLowerCase().replace(/[^a-z0-9]/g, '')];
    if (!name) {
      if (raw.trim() !== '') unknown.push(raw.trim());
    } else if (columns[name] !== undefined) errors.push({ field: 'header', message: `the column ${name} appears twice` });
    else columns[name] = index;
  });
  if (columns.email === undefined) errors.push({ field: 'header', message: 'the file needs an email column (the first line names the columns: email, first name, last name, roles, teams, department)' });
  return { columns, unknown, errors };
}

/** One row of the file: its line number and its cells by column ('' where the file has no such column). */
export interface ImportRow {
  line: number;
  cells: Record<ImportColumn, string>;
}

/** What a row becomes: its target (the member as the row wants them) and, for an update, the changes. */
export interface ImportTarget {
  firstName: string;
  lastName: string;
  roles: string[];
  /** Teams the member joins (an import never removes anyone from a team). */
  teamIds: string[];
}

export type PlannedRow =
  | { line: number; email: string; action: 'create'; target: ImportTarget }
  | { line: number; email: string; action: 'update'; userId: string; changes: Record<string, { before: unknown; after: unknown }>; target: ImportTarget }
  | { line: number; email: string; action: 'unchanged'; userId: string }
  | { line: number; email: string; action: 'error'; errors: FieldError[] };

export interface ImportTotals {
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  error: number;
}

/** Cells with several values (roles, teams): separated by `|`, `;` or `,`. */
const list = (cell: string) =>
  cell
    .split(/[|;,]/)
    .map((v) => v.trim())
    .filter(Boolean);

/** Roles new members get when the file names none: a learner or employee. */
export const IMPORT_DEFAULT_ROLES = ['member'];

/**
 * Plans every row on the organization as it is. `elsewhere` says whether an address
 * belongs to someone outside this organization (another organization, the platform):
 * such a row cannot be created. `actorId` is who will apply it: the rules of an edit
 * (one's own admin role, owners) are theirs.
 */
export function planImport(rows: ImportRow[], org: ExistingOrganization, elsewhere: (emailKey: string) => boolean, actorId: string | undefined): PlannedRow[] {
  const firstLine = new Map<string, number>();
  const teamsByName = new Map([...org.teams.values()].map((t) => [t.name.toLowerCase(), t]));
  // Each member's teams, built once: a lookup per row would walk every team's members
  // (a 50,000-row file of one 50,000-member team would make billions of comparisons).
  const teamsOfMember = new Map<string, string[]>();
  for (const t of org.teams.values()) for (const userId of t.memberIds) teamsOfMember.set(userId, [...(teamsOfMember.get(userId) ?? []), t.id]);
  const departmentsByName = new Map<string, string[]>();
  for (const d of org.departments.values()) departmentsByName.set(d.name.toLowerCase(), [...(departmentsByName.get(d.name.toLowerCase()) ?? []), d.id]);

  return rows.map((row): PlannedRow => {
    const { line, cells } = row;
    const email = cells.email.trim();
    const errors: FieldError[] = [];
    const key = email ? emailKey(email) : '';
    if (!email) errors.push({ field: 'email', message: 'email is required' });
    else if (firstLine.has(key)) errors.push({ field: 'email', message: `this email is also on line ${firstLine.get(key)}; each person once` });
    else firstLine.set(key, line);

    // Teams by name (or id), and the department they must be in when the row names one.
    const teamIds: string[] = [];
    for (const name of list(cells.teams)) {
      const team = teamsByName.get(name.toLowerCase()) ?? org.teams.get(name);
      if (!team) errors.push({ field: 'teams', message: `no team is named "${name}"` });
      else teamIds.push(team.id);
    }
    const department = cells.department.trim();
    if (department) {
      const matches = departmentsByName.get(department.toLowerCase()) ?? [];
      if (matches.length === 0) errors.push({ field: 'department', message: `no department is named "${department}"` });
      else if (matches.length > 1) errors.push({ field: 'department', message: `${matches.length} departments are named "${department}"; name the team instead` });
      else if (teamIds.length === 0) errors.push({ field: 'department', message: 'a member joins a department through one of its teams: name the team too' });
      else
        for (const teamId of teamIds)
          if (org.teams.get(teamId)!.departmentId !== matches[0]) errors.push({ field: 'teams', message: `the team "${org.teams.get(teamId)!.name}" is not in the department "${department}"` });
    }
    if (errors.length > 0) return { line, email, action: 'error', errors };

    const holder = org.emails.get(key);
    const member = holder !== undefined ? org.members.get(holder) : undefined;
    const roles = list(cells.roles);
    try {
      if (!member) {
        if (elsewhere(key)) return { line, email, action: 'error', errors: [{ field: 'email', message: 'this email belongs to an account outside this organization' }] };
        const person = checkInvitation(
          { userId: `import-line-${line}`, email, firstName: cells.firstName, lastName: cells.lastName, roles: roles.length ? roles : IMPORT_DEFAULT_ROLES, setupToken: { hash: '', ciphertext: '', expiresAt: '' }, actorId },
          org,
        );
        return { line, email, action: 'create', target: { firstName: person.firstName, lastName: person.lastName, roles: person.roles, teamIds: [...new Set(teamIds)] } };
      }
      // An existing member: the cells that say something change them, empty ones keep them.
      const edit = editUser(
        { type: 'EditUser', data: { userId: member.id, actorId: actorId ?? '', ...(cells.firstName.trim() ? { firstName: cells.firstName } : {}), ...(cells.lastName.trim() ? { lastName: cells.lastName } : {}), ...(roles.length ? { roles } : {}) } },
        org,
      );
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      const edited = edit[0]?.type === 'UserEdited' ? edit[0].data : undefined;
      for (const [field, change] of Object.entries(edited?.changes ?? {})) changes[field] = change as { before: unknown; after: unknown };
      const current = teamsOfMember.get(member.id) ?? [];
      const joining = [...new Set(teamIds)].filter((id) => !current.includes(id));
      if (joining.length > 0) changes.teams = { before: current, after: [...current, ...joining] };
      if (member.status === 'deactivated' && joining.length > 0) return { line, email, action: 'error', errors: [{ field: 'teams', message: 'a deactivated member cannot join teams; reactivate them first' }] };
      if (Object.keys(changes).length === 0) return { line, email, action: 'unchanged', userId: member.id };
      const profile = edited?.profile ?? { firstName: member.firstName, lastName: member.lastName, roles: member.roles };
      return { line, email, action: 'update', userId: member.id, changes, target: { firstName: profile.firstName, lastName: profile.lastName, roles: [...profile.roles], teamIds: joining } };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { line, email, action: 'error', errors: error.details.errors?.length ? error.details.errors : [{ field: 'roles', message: error.message }] };
    }
  });
}

export function importTotals(rows: PlannedRow[]): ImportTotals {
  const totals: ImportTotals = { rows: rows.length, create: 0, update: 0, unchanged: 0, error: 0 };
  for (const row of rows) totals[row.action]++;
  return totals;
}

/**
 * Whether the organization still agrees with a plan: each row to create or update is
 * still to do as planned, partly done (created or edited, some teams still to join), or
 * done (now unchanged). Anything else (the address taken meanwhile, a team deleted, the
 * member edited differently) means the plan no longer says what applying it would do.
 * Answers the lines that drifted; what is left to do of each other row is `now`'s.
 */
export function driftedLines(planned: PlannedRow[], now: PlannedRow[]): number[] {
  const drifted: number[] = [];
  planned.forEach((p, i) => {
    if (p.action !== 'create' && p.action !== 'update') return;
    const n = now[i];
    if (n.action === 'unchanged') return;
    if (n.action === p.action && JSON.stringify(n.target) === JSON.stringify(p.target)) return;
    const partlyDone =
      n.action === 'update' &&
      n.target.firstName === p.target.firstName &&
      n.target.lastName === p.target.lastName &&
      n.target.roles.join() === p.target.roles.join() &&
      n.target.teamIds.every((id) => p.target.teamIds.includes(id)) &&
      Object.keys(n.changes).every((field) => field === 'teams');
    if (!partlyDone) drifted.push(p.line);
  });
  return drifted;
}
