import { describe, test } from '@jest/globals';
import type { OrganizationEvent } from '../organizations/organization.js';
import { now, org, school, spec, token } from '../testing/school.js';

describe('Deleting users', () => {
  test('only setup-pending users can be deleted', () => {
    spec(school).when({ type: 'DeleteUser', data: { userId: 'dan' } }).then([{ type: 'UserDeleted', data: { organizationId: org, userId: 'dan', email: 'dan@school.test' } }]);
    for (const userId of ['cal', 'eve'])
      spec(school).when({ type: 'DeleteUser', data: { userId } }).thenFails('only-setup-pending-users-can-be-deleted', { kind: 'conflict' });
  });

  test('after a delete the email can be invited again and the old token no longer works', () => {
    const deleted: OrganizationEvent = { type: 'UserDeleted', data: { organizationId: org, userId: 'dan', email: 'dan@school.test' } };
    spec([...school, deleted])
      .when({ type: 'InviteUser', data: { userId: 'dan2', email: 'dan@school.test', firstName: 'Dan', lastName: 'Doe', roles: ['instructor'], setupToken: token(3) } })
      .then([expect.objectContaining({ type: 'UserInvited' }) as never]);
    spec([...school, deleted]).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now } }).thenFails('setup-link-invalid');
  });
});
