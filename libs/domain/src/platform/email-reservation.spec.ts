import { describe, test } from '@jest/globals';
import { deciderSpec } from '../testing/given-when-then.js';
import { emailReservationDecider, type EmailReservationEvent } from './email-reservation.js';

const spec = deciderSpec(emailReservationDecider);
const now = '2026-11-23T00:00:00.000Z';
// The events name the holder, not the address (the stream stands for it).
const reserved: EmailReservationEvent = { type: 'EmailReserved', data: { ownerId: 'u1', organizationId: 'o1', reservedAt: now } };
/** As reservations were written before they left the address out: read the same. */
const reservedWithEmail: EmailReservationEvent = { type: 'EmailReserved', data: { email: 'a@b.test', ownerId: 'u1', organizationId: 'o1', reservedAt: now } };

describe('Email reservations', () => {
  test('a free address is reserved for its owner; reserving it again for the same owner writes nothing', () => {
    spec([]).when({ type: 'ReserveEmail', data: { email: 'a@b.test', ownerId: 'u1', organizationId: 'o1', now } }).then([reserved]);
    spec([reserved]).when({ type: 'ReserveEmail', data: { email: 'a@b.test', ownerId: 'u1', organizationId: 'o1', now } }).thenNothingHappens();
  });

  test('another owner is refused with email-already-in-use, whether the reservation names the address (written before) or not', () => {
    spec([reservedWithEmail]).when({ type: 'ReserveEmail', data: { email: 'a@b.test', ownerId: 'u2', organizationId: 'o2', now } }).thenFails('email-already-in-use', { kind: 'conflict', fields: ['email'] });
    spec([reserved]).when({ type: 'ReserveEmail', data: { email: 'a@b.test', ownerId: 'u2', organizationId: 'o2', now } }).thenFails('email-already-in-use', { kind: 'conflict', fields: ['email'] });
  });

  test('only the holder releases; a released address can be reserved again', () => {
    spec([reserved]).when({ type: 'ReleaseEmail', data: { ownerId: 'u2' } }).thenNothingHappens();
    const released: EmailReservationEvent = { type: 'EmailReleased', data: { ownerId: 'u1' } };
    spec([reserved]).when({ type: 'ReleaseEmail', data: { ownerId: 'u1' } }).then([released]);
    spec([reserved, released]).when({ type: 'ReserveEmail', data: { email: 'a@b.test', ownerId: 'u2', organizationId: null, now } }).then([
      { type: 'EmailReserved', data: { ownerId: 'u2', organizationId: null, reservedAt: now } },
    ]);
  });

  test('reclaiming needs the stale holder named exactly', () => {
    spec([reserved]).when({ type: 'ReclaimEmail', data: { staleOwnerId: 'u1', email: 'a@b.test', ownerId: 'u3', organizationId: 'o3', now } }).then([
      { type: 'EmailReleased', data: { ownerId: 'u1' } },
      { type: 'EmailReserved', data: { ownerId: 'u3', organizationId: 'o3', reservedAt: now } },
    ]);
    spec([reserved]).when({ type: 'ReclaimEmail', data: { staleOwnerId: 'someone-else', email: 'a@b.test', ownerId: 'u3', organizationId: 'o3', now } }).thenFails('email-already-in-use');
  });
});
