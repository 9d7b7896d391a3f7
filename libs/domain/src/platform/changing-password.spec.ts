import { describe, test } from '@jest/globals';
import { deciderSpec } from '../testing/given-when-then.js';
import { platformDecider } from './platform.decider.js';
import type { PlatformEvent } from './platform.js';

const spec = deciderSpec(platformDecider);
const registered: PlatformEvent = { type: 'SuperAdminRegistered', data: { superAdminId: 'sa-1', email: 'root@example.org', passwordHash: '$argon2id$x', method: 'environment' } };
const invited: PlatformEvent = {
  type: 'PlatformAuditorInvited',
  data: { auditorId: 'pa-1', email: 'audit@example.org', firstName: 'Ann', lastName: 'Audit', setupTokenHash: 'th', setupTokenCiphertext: 'sealed', setupExpiresAt: '2026-11-30T10:00:00.000Z' },
};
const setUp: PlatformEvent = { type: 'PlatformAuditorSetupCompleted', data: { auditorId: 'pa-1', email: 'audit@example.org', passwordHash: '$argon2id$z' } };
const change = (accountId: string, actorId = accountId) => ({ type: 'ChangePlatformPassword' as const, data: { accountId, actorId, passwordHash: '$argon2id$new' } });

describe('A platform account changes its own password', () => {
  test('a super admin, and a platform auditor who completed setup', () => {
    spec([registered]).when(change('sa-1')).then([{ type: 'PlatformPasswordChanged', data: { accountId: 'sa-1', passwordHash: '$argon2id$new' } }]);
    spec([registered, invited, setUp]).when(change('pa-1')).then([{ type: 'PlatformPasswordChanged', data: { accountId: 'pa-1', passwordHash: '$argon2id$new' } }]);
  });

  test('not someone else\'s: 403 forbidden', () => {
    spec([registered, invited, setUp]).when(change('pa-1', 'sa-1')).thenFails('forbidden');
  });

  test('an auditor still pending, or removed, is not found', () => {
    spec([registered, invited]).when(change('pa-1')).thenFails('user-not-found');
    spec([registered, invited, setUp, { type: 'PlatformAuditorRemoved', data: { auditorId: 'pa-1', email: 'audit@example.org' } }]).when(change('pa-1')).thenFails('user-not-found');
  });
});
