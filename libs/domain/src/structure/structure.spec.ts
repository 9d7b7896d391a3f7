import { describe, expect, test } from '@jest/globals';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import { as, company, departmentCreated, joined, org, spec, superAdmin } from '../testing/company.js';
import { deactivated } from '../testing/school.js';

/**
 * Departments and teams, each rule of the multi-tenant guide's "Hierarchy", "Teams" and
 * "Departments" and of the role table as given/when/then. The company: see
 * testing/company.ts (Olga owner, Ann admin, Dora leads Engineering, Lee leads Platform).
 */
const admin = as('ann');
const dora = as('dora');
const lee = as('lee');

describe('Departments', () => {
  test('an admin creates a department at the top, with a description and leaders', () => {
    spec(company)
      .when({ type: 'CreateDepartment', data: { departmentId: 'hr', name: '  People  ', description: 'HR', leaderIds: ['mia', 'max', 'mia'], actor: admin } })
      .then([{ type: 'DepartmentCreated', data: { organizationId: org, departmentId: 'hr', name: 'People', description: 'HR', parentId: null, leaderIds: ['max', 'mia'] } }]);
  });

  test('a name is unique among its siblings, whatever its case, and may repeat elsewhere in the tree', () => {
    spec(company).when({ type: 'CreateDepartment', data: { departmentId: 'x', name: 'engineering', actor: admin } }).thenFails('department-name-taken', { kind: 'conflict' });
    spec(company)
      .when({ type: 'CreateDepartment', data: { departmentId: 'x', name: 'Engineering', parentId: 'sales', actor: admin } })
      .then([{ type: 'DepartmentCreated', data: { organizationId: org, departmentId: 'x', name: 'Engineering', description: null, parentId: 'sales', leaderIds: [] } }]);
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'sales', name: 'ENGINEERING', actor: admin } }).thenFails('department-name-taken');
  });

  test('the parent must be a department of the organization; leaders must be members who are not deactivated', () => {
    spec(company).when({ type: 'CreateDepartment', data: { departmentId: 'x', name: 'X', parentId: 'nowhere', actor: admin } }).thenFails('invalid-department', { kind: 'invalid', fields: ['parentId'] });
    spec([...company, deactivated('max')])
      .when({ type: 'CreateDepartment', data: { departmentId: 'x', name: 'X', leaderIds: ['max'], actor: admin } })
      .thenFails('invalid-department', { fields: ['leaderIds'] });
    spec(company).when({ type: 'CreateDepartment', data: { departmentId: 'x', name: 'X', leaderIds: ['stranger'], actor: admin } }).thenFails('invalid-department', { fields: ['leaderIds'] });
    spec(company).when({ type: 'CreateDepartment', data: { departmentId: 'x', name: ' ', actor: admin } }).thenFails('invalid-department', { fields: ['name'] });
  });

  test('departments nest at most 8 levels deep', () => {
    const chain: OrganizationEvent[] = [departmentCreated('d1', 'Level 1')];
    for (let level = 2; level <= 8; level++) chain.push(departmentCreated(`d${level}`, `Level ${level}`, `d${level - 1}`));
    spec([...company, ...chain])
      .when({ type: 'CreateDepartment', data: { departmentId: 'd9', name: 'Level 9', parentId: 'd8', actor: admin } })
      .thenFails('department-too-deep', { kind: 'rule', details: { maxDepth: 8, depth: 9 } });
    // Engineering is two levels high (Backend under it): under level 7 it would reach 9.
    spec([...company, ...chain]).when({ type: 'EditDepartment', data: { departmentId: 'eng', parentId: 'd7', actor: admin } }).thenFails('department-too-deep');
    spec([...company, ...chain])
      .when({ type: 'EditDepartment', data: { departmentId: 'eng', parentId: 'd6', actor: admin } })
      .then([{ type: 'DepartmentEdited', data: { organizationId: org, departmentId: 'eng', changes: { parentId: { before: null, after: 'd6' } } } }]);
  });

  test('a department cannot move under itself or one of its own sub-departments', () => {
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'eng', parentId: 'backend', actor: admin } }).thenFails('department-cycle', { kind: 'rule' });
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'eng', parentId: 'eng', actor: admin } }).thenFails('department-cycle');
  });

  test('moving a department under another works, and back to the top', () => {
    spec(company)
      .when({ type: 'EditDepartment', data: { departmentId: 'backend', parentId: 'sales', actor: admin } })
      .then([{ type: 'DepartmentEdited', data: { organizationId: org, departmentId: 'backend', changes: { parentId: { before: 'eng', after: 'sales' } } } }]);
    spec(company)
      .when({ type: 'EditDepartment', data: { departmentId: 'backend', parentId: null, actor: admin } })
      .then([{ type: 'DepartmentEdited', data: { organizationId: org, departmentId: 'backend', changes: { parentId: { before: 'eng', after: null } } } }]);
  });

  test('a department with sub-departments or teams cannot be deleted: 409 with the list; an empty one can', () => {
    spec(company)
      .when({ type: 'DeleteDepartment', data: { departmentId: 'eng', actor: admin } })
      .thenFails('department-not-empty', { kind: 'conflict', details: { departments: [{ id: 'backend', name: 'Backend' }], teams: [{ id: 'frontend', name: 'Frontend' }] } });
    const emptied: OrganizationEvent = { type: 'TeamDeleted', data: { organizationId: org, teamId: 'field', name: 'Field Sales', leaderIds: [], memberIds: [] } };
    spec([...company, emptied])
      .when({ type: 'DeleteDepartment', data: { departmentId: 'sales', actor: admin } })
      .then([{ type: 'DepartmentDeleted', data: { organizationId: org, departmentId: 'sales', name: 'Sales', leaderIds: [] } }]);
  });

  test('an edit that changes nothing records nothing', () => {
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'eng', name: 'Engineering', leaderIds: ['dora'], actor: admin } }).thenNothingHappens();
  });

  test('an unknown department is a 404', () => {
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'nope', name: 'X', actor: admin } }).thenFails('department-not-found', { kind: 'not-found' });
    spec(company).when({ type: 'DeleteDepartment', data: { departmentId: 'nope', actor: admin } }).thenFails('department-not-found');
  });
});

describe('Teams', () => {
  test('a team name is unique in the organization, whatever its department or case', () => {
    spec(company).when({ type: 'CreateTeam', data: { teamId: 't', name: 'platform', departmentId: 'sales', actor: admin } }).thenFails('team-name-taken', { kind: 'conflict' });
    spec(company)
      .when({ type: 'CreateTeam', data: { teamId: 't', name: 'Data', departmentId: 'backend', leaderIds: ['max'], actor: admin } })
      .then([{ type: 'TeamCreated', data: { organizationId: org, teamId: 't', name: 'Data', description: null, departmentId: 'backend', leaderIds: ['max'] } }]);
    spec(company).when({ type: 'CreateTeam', data: { teamId: 't', name: 'Data', departmentId: 'nowhere', actor: admin } }).thenFails('invalid-team', { fields: ['departmentId'] });
  });

  test('a team may be outside any department, and moves to another department', () => {
    spec(company)
      .when({ type: 'CreateTeam', data: { teamId: 't', name: 'Board', actor: admin } })
      .then([{ type: 'TeamCreated', data: { organizationId: org, teamId: 't', name: 'Board', description: null, departmentId: null, leaderIds: [] } }]);
    spec(company)
      .when({ type: 'EditTeam', data: { teamId: 'platform', departmentId: 'sales', actor: admin } })
      .then([{ type: 'TeamEdited', data: { organizationId: org, teamId: 'platform', changes: { departmentId: { before: 'backend', after: 'sales' } } } }]);
  });

  test('deleting a team keeps its members in the organization', () => {
    spec(company)
      .when({ type: 'DeleteTeam', data: { teamId: 'platform', actor: admin } })
      .then([{ type: 'TeamDeleted', data: { organizationId: org, teamId: 'platform', name: 'Platform', leaderIds: ['lee'], memberIds: ['max'] } }]);
    const state = organizationDecider.evolveAll!(organizationDecider.initialState(), [
      ...company,
      { type: 'TeamDeleted', data: { organizationId: org, teamId: 'platform', name: 'Platform', leaderIds: ['lee'], memberIds: ['max'] } },
    ]);
    expect(state.status === 'existing' && state.members.get('max')?.status).toBe('active');
    expect(state.status === 'existing' && state.teams.has('platform')).toBe(false);
  });

  test('a member may be in several teams; adding someone already in it adds nothing', () => {
    spec(company)
      .when({ type: 'AddTeamMembers', data: { teamId: 'frontend', userIds: ['max', 'mia'], actor: admin } })
      .then([{ type: 'TeamMembersAdded', data: { organizationId: org, teamId: 'frontend', userIds: ['max'] } }]);
    spec(company).when({ type: 'AddTeamMembers', data: { teamId: 'frontend', userIds: ['mia'], actor: admin } }).thenNothingHappens();
  });

  test('team members must be members of the organization who are not deactivated', () => {
    spec([...company, deactivated('max')]).when({ type: 'AddTeamMembers', data: { teamId: 'frontend', userIds: ['max'], actor: admin } }).thenFails('invalid-team', { fields: ['userIds'] });
    spec(company).when({ type: 'AddTeamMembers', data: { teamId: 'frontend', userIds: ['stranger'], actor: admin } }).thenFails('invalid-team', { fields: ['userIds'] });
    spec(company).when({ type: 'AddTeamMembers', data: { teamId: 'frontend', userIds: [], actor: admin } }).thenFails('invalid-team', { fields: ['userIds'] });
  });

  test('removing a member from a team; someone not in it is nothing to remove, someone unknown a 404', () => {
    spec(company)
      .when({ type: 'RemoveTeamMember', data: { teamId: 'platform', userId: 'max', actor: admin } })
      .then([{ type: 'TeamMemberRemoved', data: { organizationId: org, teamId: 'platform', userId: 'max' } }]);
    spec(company).when({ type: 'RemoveTeamMember', data: { teamId: 'platform', userId: 'mia', actor: admin } }).thenNothingHappens();
    spec(company).when({ type: 'RemoveTeamMember', data: { teamId: 'platform', userId: 'nobody', actor: admin } }).thenFails('user-not-found', { kind: 'not-found' });
    spec(company).when({ type: 'RemoveTeamMember', data: { teamId: 'nope', userId: 'max', actor: admin } }).thenFails('team-not-found', { kind: 'not-found' });
  });

  test('a withdrawn invitation leaves every team and leadership with the person, each as its own event', () => {
    const leaderOfField: OrganizationEvent = { type: 'TeamEdited', data: { organizationId: org, teamId: 'field', changes: { leaderIds: { before: [], after: ['pat'] } } } };
    spec([...company, joined('field', 'pat'), leaderOfField])
      .when({ type: 'DeleteUser', data: { userId: 'pat', actorId: 'ann' } })
      .then([
        { type: 'TeamEdited', data: { organizationId: org, teamId: 'field', changes: { leaderIds: { before: ['pat'], after: [] } } } },
        { type: 'TeamMemberRemoved', data: { organizationId: org, teamId: 'field', userId: 'pat' } },
        { type: 'UserDeleted', data: { organizationId: org, userId: 'pat', email: 'pat@school.test' } },
      ]);
  });
});

describe('Who may change the structure', () => {
  test('a department admin works inside their department: sub-departments, its teams, names', () => {
    spec(company)
      .when({ type: 'CreateDepartment', data: { departmentId: 'qa', name: 'QA', parentId: 'backend', actor: dora } })
      .then([{ type: 'DepartmentCreated', data: { organizationId: org, departmentId: 'qa', name: 'QA', description: null, parentId: 'backend', leaderIds: [] } }]);
    spec(company)
      .when({ type: 'EditDepartment', data: { departmentId: 'eng', description: 'Builds things', actor: dora } })
      .then([{ type: 'DepartmentEdited', data: { organizationId: org, departmentId: 'eng', changes: { description: { before: null, after: 'Builds things' } } } }]);
    spec(company)
      .when({ type: 'CreateTeam', data: { teamId: 't', name: 'Data', departmentId: 'backend', actor: dora } })
      .then([{ type: 'TeamCreated', data: { organizationId: org, teamId: 't', name: 'Data', description: null, departmentId: 'backend', leaderIds: [] } }]);
    spec(company)
      .when({ type: 'EditTeam', data: { teamId: 'platform', departmentId: 'eng', leaderIds: ['max'], actor: dora } })
      .then([{ type: 'TeamEdited', data: { organizationId: org, teamId: 'platform', changes: { departmentId: { before: 'backend', after: 'eng' }, leaderIds: { before: ['lee'], after: ['max'] } } } }]);
    spec(company)
      .when({ type: 'AddTeamMembers', data: { teamId: 'platform', userIds: ['mia'], actor: dora } })
      .then([{ type: 'TeamMembersAdded', data: { organizationId: org, teamId: 'platform', userIds: ['mia'] } }]);
    spec(company)
      .when({ type: 'DeleteDepartment', data: { departmentId: 'backend', actor: dora } })
      .thenFails('department-not-empty'); // allowed to try: Backend is hers, but not empty
  });

  test('outside their department a department admin is refused with 403 (the chart is visible to all)', () => {
    spec(company).when({ type: 'CreateDepartment', data: { departmentId: 'x', name: 'X', actor: dora } }).thenFails('forbidden');
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'sales', name: 'Revenue', actor: dora } }).thenFails('forbidden');
    spec(company).when({ type: 'CreateTeam', data: { teamId: 't', name: 'T', departmentId: 'sales', actor: dora } }).thenFails('forbidden');
    spec(company).when({ type: 'EditTeam', data: { teamId: 'field', name: 'Field', actor: dora } }).thenFails('forbidden');
    spec(company).when({ type: 'EditTeam', data: { teamId: 'platform', departmentId: 'sales', actor: dora } }).thenFails('forbidden');
    spec(company).when({ type: 'AddTeamMembers', data: { teamId: 'field', userIds: ['max'], actor: dora } }).thenFails('forbidden');
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'backend', parentId: 'sales', actor: dora } }).thenFails('forbidden');
    // Even an edit that would change nothing: the scope is checked first.
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'sales', name: 'Sales', actor: dora } }).thenFails('forbidden');
    spec(company).when({ type: 'EditTeam', data: { teamId: 'field', actor: dora } }).thenFails('forbidden');
  });

  test('a department admin cannot move, delete or appoint the leaders of the department that makes them one', () => {
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'eng', leaderIds: ['dora', 'max'], actor: dora } }).thenFails('forbidden');
    spec(company).when({ type: 'EditDepartment', data: { departmentId: 'eng', parentId: 'sales', actor: dora } }).thenFails('forbidden');
    spec(company).when({ type: 'DeleteDepartment', data: { departmentId: 'eng', actor: dora } }).thenFails('forbidden');
  });

  test('a team leader manages the membership of their own team, and nothing else', () => {
    spec(company)
      .when({ type: 'AddTeamMembers', data: { teamId: 'platform', userIds: ['mia'], actor: lee } })
      .then([{ type: 'TeamMembersAdded', data: { organizationId: org, teamId: 'platform', userIds: ['mia'] } }]);
    spec(company)
      .when({ type: 'RemoveTeamMember', data: { teamId: 'platform', userId: 'max', actor: lee } })
      .then([{ type: 'TeamMemberRemoved', data: { organizationId: org, teamId: 'platform', userId: 'max' } }]);
    spec(company).when({ type: 'AddTeamMembers', data: { teamId: 'frontend', userIds: ['max'], actor: lee } }).thenFails('forbidden');
    spec(company).when({ type: 'EditTeam', data: { teamId: 'platform', name: 'Core', actor: lee } }).thenFails('forbidden');
    spec(company).when({ type: 'DeleteTeam', data: { teamId: 'platform', actor: lee } }).thenFails('forbidden');
    spec(company).when({ type: 'CreateTeam', data: { teamId: 't', name: 'T', actor: lee } }).thenFails('forbidden');
  });

  test('a plain member changes nothing; a leader who is deactivated loses the scope at once', () => {
    spec(company).when({ type: 'AddTeamMembers', data: { teamId: 'platform', userIds: ['mia'], actor: as('max') } }).thenFails('forbidden');
    spec([...company, deactivated('lee')]).when({ type: 'AddTeamMembers', data: { teamId: 'platform', userIds: ['mia'], actor: lee } }).thenFails('forbidden');
  });

  test('owners, admins and super admins manage the whole tree', () => {
    for (const actor of [as('olga'), admin, superAdmin])
      spec(company)
        .when({ type: 'EditDepartment', data: { departmentId: 'eng', leaderIds: ['max'], actor } })
        .then([{ type: 'DepartmentEdited', data: { organizationId: org, departmentId: 'eng', changes: { leaderIds: { before: ['dora'], after: ['max'] } } } }]);
  });
});
