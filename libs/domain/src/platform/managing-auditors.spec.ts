import { describe, test } from '@jest/globals';
import { deciderSpec } from '../testing/given-when-then.js';
import { platformDecider } from './platform.decider.js';
import type { PlatformEvent } from './platform.js';

const spec = deciderSpec(platformDecider);
const now = '2026-11-23T10:00:00.000Z';
const registered: PlatformEvent = {
  type: 'SuperAdminRegistered',
  data: { superAdminId: 'sa-1', email: 'root@example.org', passwordHash: '$argon2id$x', method: 'environment' },
};

describe('Platform auditors', () => {
  const token = { hash: 'th', ciphertext: 'sealed', expiresAt: '2026-11-30T10:00:00.000Z' };
  const invite = (data: Partial<{ auditorId: string; email: string; firstName: string; lastName: string }> = {}) => ({
    type: 'InvitePlatformAuditor' as const,
    data: { auditorId: 'pa-1', email: 'audit@example.org', firstName: 'Ann', lastName: 'Audit', setupToken: token, ...data },
  });
  const invited: PlatformEvent = {
    type: 'PlatformAuditorInvited',
    data: { auditorId: 'pa-1', email: 'audit@example.org', firstName: 'Ann', lastName: 'Audit', setupTokenHash: 'th', setupTokenCiphertext: 'sealed', setupExpiresAt: token.expiresAt, role: 'auditor' },
  };
  const completeSetup = (data: Partial<{ tokenHash: string; now: string }> = {}) => ({
    type: 'CompletePlatformAuditorSetup' as const,
    data: { auditorId: 'pa-1', tokenHash: 'th', passwordHash: '$argon2id$z', now, ...data },
  });

  test('invites an auditor with a setup link kept as hash and ciphertext', () => {
    spec([registered]).when(invite()).then([invited]);
  });

  test('refuses an email a super admin or another auditor already has', () => {
    spec([registered]).when(invite({ email: 'ROOT@example.org' })).thenFails('email-already-in-use', { kind: 'conflict' });
    spec([registered, invited]).when(invite({ auditorId: 'pa-2' })).thenFails('email-already-in-use');
  });

  test('a platform analyst is invited the same way, with its role; one email list for both', () => {
    const analyst = invite({ auditorId: 'pa-2', email: 'numbers@example.org' });
    spec([registered]).when({ ...analyst, data: { ...analyst.data, role: 'analyst' } }).then([
      {
        type: 'PlatformAuditorInvited',
        data: { auditorId: 'pa-2', email: 'numbers@example.org', firstName: 'Ann', lastName: 'Audit', setupTokenHash: 'th', setupTokenCiphertext: 'sealed', setupExpiresAt: token.expiresAt, role: 'analyst' },
      },
    ]);
    spec([registered, invited]).when({ ...analyst, data: { ...analyst.data, email: 'audit@example.org', role: 'analyst' } }).thenFails('email-already-in-use');
  });

  test('a route for one role does not remove the other: an auditor removed as an analyst is not found', () => {
    spec([registered, invited]).when({ type: 'RemovePlatformAuditor', data: { auditorId: 'pa-1', role: 'analyst' } }).thenFails('platform-auditor-not-found');
    spec([registered, invited]).when({ type: 'RemovePlatformAuditor', data: { auditorId: 'pa-1', role: 'auditor' } }).then([{ type: 'PlatformAuditorRemoved', data: { auditorId: 'pa-1', email: 'audit@example.org' } }]);
  });

  test('refuses missing names with field errors', () => {
    spec([registered]).when(invite({ firstName: ' ', lastName: '' })).thenFails('invalid-platform-auditor', { kind: 'invalid', fields: ['firstName', 'lastName'] });
  });

  test('the setup link works once, and not after it expired', () => {
    spec([registered, invited]).when(completeSetup()).then([{ type: 'PlatformAuditorSetupCompleted', data: { auditorId: 'pa-1', email: 'audit@example.org', passwordHash: '$argon2id$z' } }]);
    spec([registered, invited, { type: 'PlatformAuditorSetupCompleted', data: { auditorId: 'pa-1', email: 'audit@example.org', passwordHash: 'h' } }])
      .when(completeSetup())
      .thenFails('setup-link-invalid');
    spec([registered, invited]).when(completeSetup({ now: '2026-12-01T00:00:00.000Z' })).thenFails('setup-link-invalid');
    spec([registered, invited]).when(completeSetup({ tokenHash: 'guess' })).thenFails('setup-link-invalid');
  });

  test('removing an auditor names their email, and an unknown one is not found', () => {
    spec([registered, invited]).when({ type: 'RemovePlatformAuditor', data: { auditorId: 'pa-1' } }).then([{ type: 'PlatformAuditorRemoved', data: { auditorId: 'pa-1', email: 'audit@example.org' } }]);
    spec([registered]).when({ type: 'RemovePlatformAuditor', data: { auditorId: 'pa-1' } }).thenFails('platform-auditor-not-found', { kind: 'not-found' });
  });
});
