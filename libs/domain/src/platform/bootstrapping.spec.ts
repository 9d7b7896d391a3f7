import { describe, test } from '@jest/globals';
import { deciderSpec } from '../testing/given-when-then.js';
import { platformDecider } from './platform.decider.js';
import type { PlatformEvent } from './platform.js';

const spec = deciderSpec(platformDecider);
const now = '2026-11-23T10:00:00.000Z';
const later = '2026-11-25T10:00:00.000Z';
const issued: PlatformEvent = { type: 'BootstrapLinkIssued', data: { tokenHash: 'h1', expiresAt: '2026-11-24T10:00:00.000Z' } };
const registered: PlatformEvent = {
  type: 'SuperAdminRegistered',
  data: { superAdminId: 'sa-1', email: 'root@example.org', passwordHash: '$argon2id$x', method: 'environment' },
};
const complete = (data: Partial<{ tokenHash: string; now: string; email: string }>) => ({
  type: 'CompleteBootstrap' as const,
  data: { tokenHash: 'h1', superAdminId: 'sa-2', email: 'owner@example.org', passwordHash: '$argon2id$y', now, ...data },
});

describe('Bootstrapping the first super admin', () => {
  test('registers a super admin from the environment when none exists', () => {
    spec([]).when({ type: 'RegisterSuperAdmin', data: { superAdminId: 'sa-1', email: ' root@example.org ', passwordHash: '$argon2id$x', method: 'environment' } })
      .then([registered]);
  });

  test('refuses a second bootstrap once a super admin exists', () => {
    spec([registered]).when({ type: 'RegisterSuperAdmin', data: { superAdminId: 'sa-9', email: 'b@example.org', passwordHash: 'h', method: 'environment' } })
      .thenFails('super-admin-already-exists', { kind: 'conflict' });
    spec([registered]).when({ type: 'IssueBootstrapLink', data: { tokenHash: 'h2', expiresAt: later, now } }).thenFails('super-admin-already-exists');
  });

  test('a setup link registers the super admin once', () => {
    spec([issued]).when(complete({})).then([
      { type: 'SuperAdminRegistered', data: { superAdminId: 'sa-2', email: 'owner@example.org', passwordHash: '$argon2id$y', method: 'bootstrap-link' } },
    ]);
    spec([issued, { ...registered, data: { ...registered.data, method: 'bootstrap-link' } }]).when(complete({})).thenFails('setup-link-invalid');
  });

  test('an expired, unknown or replaced link gets the same error', () => {
    spec([issued]).when(complete({ now: later })).thenFails('setup-link-invalid');
    spec([issued]).when(complete({ tokenHash: 'other' })).thenFails('setup-link-invalid');
    spec([issued, { type: 'BootstrapLinkIssued', data: { tokenHash: 'h2', expiresAt: later } }]).when(complete({})).thenFails('setup-link-invalid');
    spec([]).when(complete({})).thenFails('setup-link-invalid');
  });

  test('refuses an invalid email', () => {
    spec([issued]).when(complete({ email: 'not-an-email' })).thenFails('invalid-email', { kind: 'invalid', fields: ['email'] });
  });

  test('processes starting together issue one link between them; a later start issues a new one', () => {
    const at = (iso: string) => ({ type: 'IssueBootstrapLink' as const, data: { tokenHash: 'h2', expiresAt: later, now: iso } });
    const recent: PlatformEvent = { type: 'BootstrapLinkIssued', data: { tokenHash: 'h1', expiresAt: '2026-11-24T10:00:00.000Z', issuedAt: '2026-11-23T09:59:30.000Z' } };
    // 30 seconds after another process issued one: that link is the platform's.
    spec([recent]).when(at(now)).thenFails('bootstrap-link-issued-elsewhere', { kind: 'conflict' });
    // Two minutes after: the first output is taken as lost, a new link replaces it.
    spec([recent]).when(at('2026-11-23T10:01:30.000Z')).then([{ type: 'BootstrapLinkIssued', data: { tokenHash: 'h2', expiresAt: later, issuedAt: '2026-11-23T10:01:30.000Z' } }]);
    // A link recorded before issuedAt existed counts as old.
    spec([issued]).when(at(now)).then([{ type: 'BootstrapLinkIssued', data: { tokenHash: 'h2', expiresAt: later, issuedAt: now } }]);
  });
});
