import { describe, test } from '@jest/globals';
import { created, org, school, spec, token } from '../testing/school.js';

describe('Inviting users', () => {
  test('creates a setup-pending user with trimmed names, canonical role order and the token hash', () => {
    spec([created])
      .when({ type: 'InviteUser', data: { userId: 'u1', email: ' New@School.test ', firstName: ' Ada ', lastName: ' Lovelace ', roles: ['instructor', 'admin', 'admin'], setupToken: token(7) } })
      .then([
        {
          type: 'UserInvited',
          data: { organizationId: org, userId: 'u1', email: 'New@School.test', firstName: 'Ada', lastName: 'Lovelace', roles: ['admin', 'instructor'], setupTokenHash: 'hash-7', setupTokenCiphertext: 'cipher-7', setupExpiresAt: '2026-11-30T00:00:00.000Z' },
        },
      ]);
  });

  test('requires a valid email, names of 1 to 255 characters and at least one known role, listing every problem', () => {
    spec([created])
      .when({ type: 'InviteUser', data: { userId: 'u1', email: 'nope', firstName: '  ', lastName: 'x'.repeat(256), roles: [], setupToken: token(1) } })
      .thenFails('invalid-user', { kind: 'invalid', fields: ['email', 'firstName', 'lastName', 'roles'] });
    spec([created])
      .when({ type: 'InviteUser', data: { userId: 'u1', email: 'a@b.co', firstName: 'A', lastName: 'B', roles: ['janitor'], setupToken: token(1) } })
      .thenFails('invalid-user', { fields: ['roles'] });
  });

  test('refuses an email already used in the organization, whatever its case', () => {
    spec(school)
      .when({ type: 'InviteUser', data: { userId: 'u9', email: 'ANN@school.test', firstName: 'A', lastName: 'B', roles: ['instructor'], setupToken: token(1) } })
      .thenFails('email-already-in-use', { kind: 'conflict', fields: ['email'] });
  });

  test('an organization that does not exist cannot invite', () => {
    spec([]).when({ type: 'InviteUser', data: { userId: 'u1', email: 'a@b.co', firstName: 'A', lastName: 'B', roles: ['admin'], setupToken: token(1) } }).thenFails('organization-not-found');
  });
});
