import { describe, test } from '@jest/globals';
import type { OrganizationRole } from '../access/permissions.js';
import { company, org, spec, superAdmin } from '../testing/company.js';
import { invited, setUp, token } from '../testing/school.js';

/**
 * Owners (multi-tenant guide, "Member Roles"): each rule of the issue as given/when/then.
 * The company has one owner, Olga (testing/company.ts); Ann is an admin.
 */
const roles = (before: OrganizationRole[], after: OrganizationRole[]) => ({ roles: { before, after } });

describe('Owners', () => {
  test('the last active owner cannot be deactivated, even by a super admin: 409 last-owner', () => {
    spec(company).when({ type: 'DeactivateUser', data: { userId: 'olga', actorId: superAdmin.id } }).thenFails('last-owner', { kind: 'rule' });
  });

  test('the last active owner cannot be demoted, not even by themselves', () => {
    spec(company).when({ type: 'EditUser', data: { userId: 'olga', actorId: 'olga', roles: ['admin'] } }).thenFails('last-owner');
    spec(company).when({ type: 'EditUser', data: { userId: 'olga', actorId: superAdmin.id, roles: ['admin'] } }).thenFails('last-owner');
  });

  test('an owner removes their own owner role once another active owner exists', () => {
    const twoOwners = [...company, invited('otto', ['owner', 'admin']), setUp('otto')];
    spec(twoOwners)
      .when({ type: 'EditUser', data: { userId: 'olga', actorId: 'olga', roles: ['admin'] } })
      .then([{ type: 'UserEdited', data: { organizationId: org, userId: 'olga', changes: roles(['owner', 'admin'], ['admin']), profile: { firstName: 'OLGA', lastName: 'Doe', roles: ['admin'] } } }]);
  });

  test('a pending owner does not count as the other active owner', () => {
    spec([...company, invited('otto', ['owner', 'admin'])]).when({ type: 'EditUser', data: { userId: 'olga', actorId: 'olga', roles: ['admin'] } }).thenFails('last-owner');
  });

  test('only owners and super admins make, unmake or deactivate owners: an admin gets 403', () => {
    spec(company).when({ type: 'EditUser', data: { userId: 'ann', actorId: 'ann', roles: ['owner'] } }).thenFails('forbidden');
    spec(company).when({ type: 'DeactivateUser', data: { userId: 'olga', actorId: 'ann' } }).thenFails('forbidden');
    spec(company).when({ type: 'InviteUser', data: { userId: 'new', email: 'new@company.test', firstName: 'New', lastName: 'Owner', roles: ['owner'], setupToken: token(9), actorId: 'ann' } }).thenFails('forbidden');
    spec([...company, invited('otto', ['owner', 'admin'])]).when({ type: 'DeleteUser', data: { userId: 'otto', actorId: 'ann' } }).thenFails('forbidden');
  });

  test('an owner is an admin with more: naming someone owner gives them the admin role too', () => {
    spec(company)
      .when({ type: 'EditUser', data: { userId: 'max', actorId: 'olga', roles: ['owner', 'member'] } })
      .then([{ type: 'UserEdited', data: { organizationId: org, userId: 'max', changes: roles(['member'], ['owner', 'admin', 'member']), profile: { firstName: 'MAX', lastName: 'Doe', roles: ['owner', 'admin', 'member'] } } }]);
    spec(company)
      .when({ type: 'EditUser', data: { userId: 'ann', actorId: superAdmin.id, roles: ['owner'] } })
      .then([{ type: 'UserEdited', data: { organizationId: org, userId: 'ann', changes: roles(['admin'], ['owner', 'admin']), profile: { firstName: 'ANN', lastName: 'Doe', roles: ['owner', 'admin'] } } }]);
  });

  test('ownership transfer is one command: the new owner (active) gains it, the old one steps down to admin', () => {
    spec(company)
      .when({ type: 'TransferOwnership', data: { actorId: 'olga', toUserId: 'max' } })
      .then([
        { type: 'UserEdited', data: { organizationId: org, userId: 'max', changes: roles(['member'], ['owner', 'admin', 'member']), profile: { firstName: 'MAX', lastName: 'Doe', roles: ['owner', 'admin', 'member'] }, via: 'ownership-transfer' } },
        { type: 'UserEdited', data: { organizationId: org, userId: 'olga', changes: roles(['owner', 'admin'], ['admin']), profile: { firstName: 'OLGA', lastName: 'Doe', roles: ['admin'] }, via: 'ownership-transfer' } },
      ]);
  });

  test('ownership passes only to an active member, and only from an owner', () => {
    spec(company).when({ type: 'TransferOwnership', data: { actorId: 'olga', toUserId: 'pat' } }).thenFails('new-owner-not-eligible', { kind: 'rule' });
    spec(company).when({ type: 'TransferOwnership', data: { actorId: 'olga', toUserId: 'olga' } }).thenFails('new-owner-not-eligible');
    spec(company).when({ type: 'TransferOwnership', data: { actorId: 'ann', toUserId: 'max' } }).thenFails('forbidden');
    spec(company).when({ type: 'TransferOwnership', data: { actorId: 'olga', toUserId: 'nobody' } }).thenFails('user-not-found', { kind: 'not-found' });
  });

  test('billing is an owner\'s: an admin who is not one cannot change the billing contact (403), an owner and a super admin can; the rest of the profile stays an admin\'s', () => {
    const billing = (actorId: string) => ({ type: 'UpdateOrganizationSettings' as const, data: { profile: { billingContact: { name: 'Bill Payer', email: 'bills@company.test' } }, actorId } });
    spec(company).when(billing('ann')).thenFails('forbidden');
    for (const actorId of ['olga', superAdmin.id])
      spec(company)
        .when(billing(actorId))
        .then([
          {
            type: 'OrganizationSettingsUpdated',
            data: { organizationId: org, changes: { billingContact: { before: { name: null, email: null }, after: { name: 'Bill Payer', email: 'bills@company.test' } } } },
          },
        ]);
    spec(company)
      .when({ type: 'UpdateOrganizationSettings', data: { profile: { industry: 'Software' }, actorId: 'ann' } })
      .then([{ type: 'OrganizationSettingsUpdated', data: { organizationId: org, changes: { industry: { before: null, after: 'Software' } } } }]);
    // Without an owner (from before owners), its admins keep the admin rules.
    spec(company.filter((e) => !('userId' in e.data && e.data.userId === 'olga')))
      .when(billing('ann'))
      .then([
        {
          type: 'OrganizationSettingsUpdated',
          data: { organizationId: org, changes: { billingContact: { before: { name: null, email: null }, after: { name: 'Bill Payer', email: 'bills@company.test' } } } },
        },
      ]);
  });

  test('the organization without an owner (from before owners) keeps working under the admin rules alone', () => {
    spec(company.filter((e) => !('userId' in e.data && e.data.userId === 'olga')))
      .when({ type: 'DeactivateUser', data: { userId: 'dora', actorId: 'ann' } })
      .then([{ type: 'UserDeactivated', data: { organizationId: org, userId: 'dora', classesReassignedTo: null } }]);
  });
});
