import { describe, test } from '@jest/globals';
import type { OrganizationEvent } from '../organizations/organization.js';
import { now, org, school, setUp, spec } from '../testing/school.js';

describe('Completing setup', () => {
  test('the current token activates the user once', () => {
    spec(school).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now } }).then([
      { type: 'UserSetupCompleted', data: { organizationId: org, userId: 'dan', passwordHash: '$p' } },
    ]);
    spec([...school, setUp('dan')]).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now } }).thenFails('setup-link-invalid');
  });
  test('an expired, replaced or wrong token gets the same error', () => {
    spec(school).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now: '2026-12-01T00:00:00.000Z' } }).thenFails('setup-link-invalid');
    const resent: OrganizationEvent = {
      type: 'UserInvitationResent',
      data: { organizationId: org, userId: 'dan', email: 'dan@school.test', previousEmail: null, setupTokenHash: 'hash-2', setupTokenCiphertext: 'c', setupExpiresAt: '2026-11-30T00:00:00.000Z' },
    };
    spec([...school, resent]).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'hash-1', passwordHash: '$p', now } }).thenFails('setup-link-invalid');
    spec(school).when({ type: 'CompleteUserSetup', data: { userId: 'dan', tokenHash: 'forged', passwordHash: '$p', now } }).thenFails('setup-link-invalid');
  });
});
