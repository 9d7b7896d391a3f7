import { describe, test } from '@jest/globals';
import { org, school, spec, token } from '../testing/school.js';

describe('Resending an invitation', () => {
  test('resending replaces the token and may correct the email of a pending user only', () => {
    spec(school).when({ type: 'ResendInvitation', data: { userId: 'dan', email: 'daniel@school.test', setupToken: token(2) } }).then([
      {
        type: 'UserInvitationResent',
        data: { organizationId: org, userId: 'dan', email: 'daniel@school.test', previousEmail: 'dan@school.test', setupTokenHash: 'hash-2', setupTokenCiphertext: 'cipher-2', setupExpiresAt: '2026-11-30T00:00:00.000Z' },
      },
    ]);
    spec(school).when({ type: 'ResendInvitation', data: { userId: 'cal', setupToken: token(2) } }).thenFails('only-setup-pending-users-can-be-reinvited', { kind: 'conflict' });
    spec(school).when({ type: 'ResendInvitation', data: { userId: 'dan', email: 'cal@school.test', setupToken: token(2) } }).thenFails('email-already-in-use');
  });
});
