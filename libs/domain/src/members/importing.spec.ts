import { describe, expect, test } from '@jest/globals';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import { company, joined } from '../testing/company.js';
import { driftedLines, importColumns, importTotals, planImport, type ImportRow } from './importing.js';

/**
 * Planning a member import (issue 17) on the company of testing/company.ts: Olga owns
 * it, Ann is an admin, Max is in the Platform team (Backend, under Engineering), Mia in
 * Frontend. Ann applies the imports.
 */
const fold = (events: OrganizationEvent[]) => {
  const state = organizationDecider.evolveAll!(organizationDecider.initialState(), events);
  if (state.status !== 'existing') throw new Error('no organization');
  return state;
};
const row = (line: number, cells: Partial<ImportRow['cells']>): ImportRow => ({ line, cells: { email: '', firstName: '', lastName: '', roles: '', teams: '', department: '', ...cells } });
const nobodyElsewhere = () => false;

describe('Import columns', () => {
  test('headers are matched however they are spelled; unknown ones are reported; the email column is required', () => {
    expect(importColumns(['\uFEFFE-mail', 'First Name', 'last_name', 'ROLES', 'Team', 'Dept', 'Phone'])).toEqual({
      columns: { email: 0, firstName: 1, lastName: 2, roles: 3, teams: 4, department: 5 },
      unknown: ['Phone'],
      errors: [],
    });
    expect(importColumns(['first name', 'last name']).errors.map((e) => e.field)).toEqual(['header']);
    expect(importColumns(['email', 'Email']).errors).toEqual([{ field: 'header', message: 'the column email appears twice' }]);
  });
});

describe('Planning an import', () => {
  const org = fold(company);

  test('a new address is created: names trimmed, roles defaulting to member, teams by name whatever their case', () => {
    const [planned] = planImport([row(2, { email: 'new@school.test', firstName: ' Nia ', lastName: 'Ng', teams: 'platform | Frontend' })], org, nobodyElsewhere, 'ann');
    expect(planned).toEqual({ line: 2, email: 'new@school.test', action: 'create', target: { firstName: 'Nia', lastName: 'Ng', roles: ['member'], teamIds: ['platform', 'frontend'] } });
  });

  test('a member of the organization is updated with the fields that change, before and after; empty cells keep what is there', () => {
    const [planned] = planImport([row(3, { email: 'MAX@school.test', lastName: 'Power', roles: 'member;instructor', teams: 'Frontend' })], org, nobodyElsewhere, 'ann');
    expect(planned).toEqual({
      line: 3,
      email: 'MAX@school.test',
      action: 'update',
      userId: 'max',
      changes: { lastName: { before: 'Doe', after: 'Power' }, roles: { before: ['member'], after: ['instructor', 'member'] }, teams: { before: ['platform'], after: ['platform', 'frontend'] } },
      target: { firstName: 'MAX', lastName: 'Power', roles: ['instructor', 'member'], teamIds: ['frontend'] },
    });
  });

  test('a row that says what is already so is unchanged', () => {
    expect(planImport([row(4, { email: 'mia@school.test', firstName: 'MIA', lastName: 'Doe', roles: 'member', teams: 'Frontend' })], org, nobodyElsewhere, 'ann')[0]).toEqual({ line: 4, email: 'mia@school.test', action: 'unchanged', userId: 'mia' });
  });

  test('errors name the line and the field: a bad address, a missing name, an unknown role, an unknown team, a repeated address', () => {
    const plan = planImport(
      [
        row(2, { email: 'not-an-address', firstName: 'A', lastName: 'B' }),
        row(3, { email: 'noname@school.test', lastName: 'B' }),
        row(4, { email: 'r@school.test', firstName: 'R', lastName: 'B', roles: 'wizard' }),
        row(5, { email: 't@school.test', firstName: 'T', lastName: 'B', teams: 'Chess Club' }),
        row(6, { email: 'twice@school.test', firstName: 'T', lastName: 'W' }),
        row(7, { email: 'Twice@School.test', firstName: 'T', lastName: 'W' }),
        row(8, { firstName: 'No', lastName: 'Email' }),
      ],
      org,
      nobodyElsewhere,
      'ann',
    );
    expect(plan.map((p) => [p.line, p.action, p.action === 'error' ? p.errors.map((e) => e.field) : []])).toEqual([
      [2, 'error', ['email']],
      [3, 'error', ['firstName']],
      [4, 'error', ['roles']],
      [5, 'error', ['teams']],
      [6, 'create', []],
      [7, 'error', ['email']],
      [8, 'error', ['email']],
    ]);
    expect(plan[4 + 1]).toMatchObject({ errors: [{ field: 'email', message: 'this email is also on line 6; each person once' }] });
    expect(plan[3]).toMatchObject({ errors: [{ field: 'teams', message: 'no team is named "Chess Club"' }] });
  });

  test('a department must hold the row’s teams; an address outside the organization cannot be created', () => {
    const plan = planImport(
      [
        row(2, { email: 'a@school.test', firstName: 'A', lastName: 'B', teams: 'Field Sales', department: 'Engineering' }),
        row(3, { email: 'b@school.test', firstName: 'A', lastName: 'B', department: 'Sales' }),
        row(4, { email: 'c@school.test', firstName: 'A', lastName: 'B', teams: 'Field Sales', department: 'Sales' }),
        row(5, { email: 'elsewhere@other.test', firstName: 'A', lastName: 'B' }),
      ],
      org,
      (key) => key === 'elsewhere@other.test',
      'ann',
    );
    expect(plan.map((p) => (p.action === 'error' ? p.errors[0].message : p.action))).toEqual([
      'the team "Field Sales" is not in the department "Engineering"',
      'a member joins a department through one of its teams: name the team too',
      'create',
      'this email belongs to an account outside this organization',
    ]);
  });

  test('the rules of an edit hold: an admin cannot remove their own admin role by import', () => {
    const [planned] = planImport([row(2, { email: 'ann@school.test', roles: 'member' })], org, nobodyElsewhere, 'ann');
    expect(planned).toMatchObject({ action: 'error', errors: [{ field: 'roles', message: 'You cannot remove your own admin role; another admin must do it' }] });
  });

  test('totals count each action', () => {
    const plan = planImport([row(2, { email: 'x@school.test', firstName: 'X', lastName: 'Y' }), row(3, { email: 'mia@school.test' }), row(4, { email: 'bad' })], org, nobodyElsewhere, 'ann');
    expect(importTotals(plan)).toEqual({ rows: 3, create: 1, update: 0, unchanged: 1, error: 1 });
  });
});

describe('Whether a plan still holds', () => {
  const rows = [row(2, { email: 'new@school.test', firstName: 'Nia', lastName: 'Ng', teams: 'Frontend' }), row(3, { email: 'max@school.test', lastName: 'Power' })];
  const planned = planImport(rows, fold(company), nobodyElsewhere, 'ann');
  const newcomer: OrganizationEvent = {
    type: 'UserInvited',
    data: { organizationId: 'org-1', userId: 'nia', email: 'new@school.test', firstName: 'Nia', lastName: 'Ng', roles: ['member'], setupTokenHash: 'h', setupTokenCiphertext: 'c', setupExpiresAt: '2026-12-31T00:00:00.000Z' },
  };

  test('untouched, partly applied (created, teams still to join) and fully applied all hold', () => {
    expect(driftedLines(planned, planImport(rows, fold(company), nobodyElsewhere, 'ann'))).toEqual([]);
    expect(driftedLines(planned, planImport(rows, fold([...company, newcomer]), nobodyElsewhere, 'ann'))).toEqual([]);
    const maxEdited: OrganizationEvent = { type: 'UserEdited', data: { organizationId: 'org-1', userId: 'max', changes: { lastName: { before: 'Doe', after: 'Power' } }, profile: { firstName: 'MAX', lastName: 'Power', roles: ['member'] } } };
    expect(driftedLines(planned, planImport(rows, fold([...company, newcomer, joined('frontend', 'nia'), maxEdited]), nobodyElsewhere, 'ann'))).toEqual([]);
  });

  test('an address taken meanwhile elsewhere, a team deleted, a member edited otherwise: those lines drifted', () => {
    expect(driftedLines(planned, planImport(rows, fold(company), (key) => key === 'new@school.test', 'ann'))).toEqual([2]);
    const frontendGone = [...company, { type: 'TeamMemberRemoved', data: { organizationId: 'org-1', teamId: 'frontend', userId: 'mia' } }, { type: 'TeamDeleted', data: { organizationId: 'org-1', teamId: 'frontend', name: 'Frontend', leaderIds: [] } }] as OrganizationEvent[];
    expect(driftedLines(planned, planImport(rows, fold(frontendGone), nobodyElsewhere, 'ann'))).toEqual([2]);
    const maxOther: OrganizationEvent = { type: 'UserEdited', data: { organizationId: 'org-1', userId: 'max', changes: { roles: { before: ['member'], after: ['instructor'] } }, profile: { firstName: 'MAX', lastName: 'Doe', roles: ['instructor'] } } };
    expect(driftedLines(planned, planImport(rows, fold([...company, maxOther]), nobodyElsewhere, 'ann'))).toEqual([3]);
  });
});
