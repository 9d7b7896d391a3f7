import { describe, expect, test } from '@jest/globals';
import { emailReservationDecider, type EmailReservationEvent } from './email-reservation.js';
import { platformDecider } from './platform.decider.js';
import { PLATFORM_EVENT_TYPES, type PlatformEvent } from './platform.js';

/** The fold of every event of the platform stream and of an email reservation stream. */
const now = '2026-11-30T00:00:00.000Z';
const platform = (...events: PlatformEvent[]) => events.reduce(platformDecider.evolve, platformDecider.initialState());
const invited: PlatformEvent = {
  type: 'PlatformAuditorInvited',
  data: { auditorId: 'pa1', email: 'pat@platform.test', firstName: 'Pat', lastName: 'A', setupTokenHash: 'h', setupTokenCiphertext: 'c', setupExpiresAt: now },
};

const PLATFORM_CASES: Record<PlatformEvent['type'], () => void> = {
  SuperAdminRegistered: () =>
    expect(platform({ type: 'SuperAdminRegistered', data: { superAdminId: 'sa1', email: 'root@platform.test', passwordHash: 'ph', method: 'environment' } }).superAdmins).toEqual([
      { id: 'sa1', email: 'root@platform.test' },
    ]),
  BootstrapLinkIssued: () => {
    // A link recorded before issuedAt existed folds with issuedAt null (it counts as old).
    expect(platform({ type: 'BootstrapLinkIssued', data: { tokenHash: 'th', expiresAt: now } }).bootstrapLink).toEqual({ tokenHash: 'th', expiresAt: now, issuedAt: null });
    expect(platform({ type: 'BootstrapLinkIssued', data: { tokenHash: 'th', expiresAt: now, issuedAt: '2026-11-29T00:00:00.000Z' } }).bootstrapLink).toEqual({ tokenHash: 'th', expiresAt: now, issuedAt: '2026-11-29T00:00:00.000Z' });
  },
  PlatformAuditorInvited: () => {
    // Invitations from before platform analysts carry no role: they were auditors.
    expect(platform(invited).auditors).toEqual([{ id: 'pa1', role: 'auditor', email: 'pat@platform.test', firstName: 'Pat', lastName: 'A', status: 'setupPending', setupTokenHash: 'h', setupExpiresAt: now }]);
    expect(platform({ ...invited, data: { ...invited.data, role: 'analyst' } } as PlatformEvent).auditors[0].role).toBe('analyst');
  },
  PlatformAuditorSetupCompleted: () =>
    expect(platform(invited, { type: 'PlatformAuditorSetupCompleted', data: { auditorId: 'pa1', email: 'pat@platform.test', passwordHash: 'ph' } }).auditors).toEqual([
      expect.objectContaining({ id: 'pa1', status: 'active', setupTokenHash: null }),
    ]),
  PlatformAuditorRemoved: () => expect(platform(invited, { type: 'PlatformAuditorRemoved', data: { auditorId: 'pa1', email: 'pat@platform.test' } }).auditors).toEqual([]),
  PlatformAccountErased: () => {
    const removed = platform(invited, { type: 'PlatformAuditorRemoved', data: { auditorId: 'pa1', email: 'pat@platform.test' } });
    expect([removed.removed, removed.erased]).toEqual([['pa1'], undefined]);
    expect(platform(invited, { type: 'PlatformAuditorRemoved', data: { auditorId: 'pa1', email: 'pat@platform.test' } }, { type: 'PlatformAccountErased', data: { accountId: 'pa1', erasedAt: now } }).erased).toEqual(['pa1']);
  },
  // The stream keeps no password; the accounts read model does.
  PlatformPasswordChanged: () => {
    const before = platform(invited);
    expect(platform(invited, { type: 'PlatformPasswordChanged', data: { accountId: 'pa1', passwordHash: 'ph2' } })).toEqual(before);
  },
};

describe('The fold of the platform stream', () => {
  test('every platform event type has a case', () => {
    expect(Object.keys(PLATFORM_CASES).sort()).toEqual([...PLATFORM_EVENT_TYPES].sort());
  });
  test.each(Object.entries(PLATFORM_CASES))('%s', (_type, check) => check());
});

describe('The fold of an email reservation stream', () => {
  const reserved: EmailReservationEvent = { type: 'EmailReserved', data: { email: 'ann@school.test', ownerId: 'ann', organizationId: 'org-1', reservedAt: now } };
  test('EmailReserved holds the address for its owner (with the address in it, as written before, or without)', () => {
    const held = { status: 'reserved', ownerId: 'ann', organizationId: 'org-1', reservedAt: now };
    expect([reserved].reduce(emailReservationDecider.evolve, emailReservationDecider.initialState())).toEqual(held);
    const { email: _email, ...withoutAddress } = reserved.data;
    expect([{ ...reserved, data: withoutAddress }].reduce(emailReservationDecider.evolve, emailReservationDecider.initialState())).toEqual(held);
  });
  test('EmailReleased frees it', () => {
    const released: EmailReservationEvent = { type: 'EmailReleased', data: { email: 'ann@school.test', ownerId: 'ann' } };
    expect([reserved, released].reduce(emailReservationDecider.evolve, emailReservationDecider.initialState())).toEqual({ status: 'free' });
  });
});
