import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';

/**
 * Emails are unique across the platform, a rule no single organization stream can
 * hold. Each address (normalized) has a reservation stream; reserving appends with
 * "no stream" or at the revision read, so of any number of racing invitations for
 * one address exactly one wins. The holder is a user id (or a super admin id).
 *
 * The events name the holder, not the address: the stream stands for the address, and an
 * address written in every reservation would be one more copy of it to seal and open (an
 * import reserves one per row). Reservations written before this carry `email`.
 */
export type EmailReservationCommand =
  | { type: 'ReserveEmail'; data: { email: string; ownerId: string; organizationId: string | null; now: string } }
  | { type: 'ReleaseEmail'; data: { ownerId: string } }
  /** Takes over an address whose holder no longer exists (a crash between two appends). */
  | { type: 'ReclaimEmail'; data: { staleOwnerId: string; email: string; ownerId: string; organizationId: string | null; now: string } };

export type EmailReservationEvent =
  | DomainEvent<'EmailReserved', { email?: string; ownerId: string; organizationId: string | null; reservedAt: string }>
  | DomainEvent<'EmailReleased', { email?: string; ownerId: string }>;

export type EmailReservationState =
  | { status: 'free' }
  | { status: 'reserved'; ownerId: string; organizationId: string | null; reservedAt: string };

const inUse = () =>
  new DomainError('email-already-in-use', 'This email address is already in use', { errors: [{ field: 'email', message: 'email is already in use' }] });

export function decideEmailReservation(command: EmailReservationCommand, state: EmailReservationState): EmailReservationEvent[] {
  switch (command.type) {
    case 'ReserveEmail': {
      const { ownerId, organizationId, now } = command.data;
      if (state.status === 'reserved') {
        if (state.ownerId === ownerId) return [];
        throw inUse();
      }
      return [{ type: 'EmailReserved', data: { ownerId, organizationId, reservedAt: now } }];
    }
    case 'ReleaseEmail':
      if (state.status !== 'reserved' || state.ownerId !== command.data.ownerId) return [];
      return [{ type: 'EmailReleased', data: { ownerId: state.ownerId } }];
    case 'ReclaimEmail': {
      if (state.status !== 'reserved' || state.ownerId !== command.data.staleOwnerId) throw inUse();
      const { ownerId, organizationId, now } = command.data;
      return [
        { type: 'EmailReleased', data: { ownerId: state.ownerId } },
        { type: 'EmailReserved', data: { ownerId, organizationId, reservedAt: now } },
      ];
    }
    default:
      return assertNever(command);
  }
}

export function evolveEmailReservation(_state: EmailReservationState, event: EmailReservationEvent): EmailReservationState {
  switch (event.type) {
    case 'EmailReserved':
      return { status: 'reserved', ownerId: event.data.ownerId, organizationId: event.data.organizationId, reservedAt: event.data.reservedAt };
    case 'EmailReleased':
      return { status: 'free' };
    default:
      return assertNever(event);
  }
}

export const emailReservationDecider: Decider<EmailReservationCommand, EmailReservationEvent, EmailReservationState> = {
  initialState: () => ({ status: 'free' }),
  evolve: evolveEmailReservation,
  decide: decideEmailReservation,
};
