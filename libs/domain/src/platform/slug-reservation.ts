import { assertNever, eventTypes, type Decider, type DomainEvent } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';

/**
 * Slugs are unique across the platform, a rule no organization stream can hold (as
 * emails, email-reservation.ts). Each slug has a stream; of any number of organizations
 * racing for one slug exactly one wins. A slug an organization moved away from keeps
 * pointing at it until `until` (90 days), and only then can another organization take it;
 * the organization itself may take its old slug back at any time.
 */
export type SlugReservationCommand =
  | { type: 'ReserveSlug'; data: { slug: string; organizationId: string; now: string } }
  /** The holder moved to another slug: this one redirects to it until `until`. */
  | { type: 'RedirectSlug'; data: { organizationId: string; until: string } }
  /** The holder is gone (purged), or its creation failed: the slug is free at once. */
  | { type: 'ReleaseSlug'; data: { organizationId: string } }
  /** Takes over a slug whose holder never came to exist (a crash between two appends). */
  | { type: 'ReclaimSlug'; data: { staleOrganizationId: string; slug: string; organizationId: string; now: string } };

export type SlugReservationEvent =
  | DomainEvent<'SlugReserved', { slug: string; organizationId: string; reservedAt: string }>
  | DomainEvent<'SlugRedirected', { slug: string; organizationId: string; until: string }>
  | DomainEvent<'SlugReleased', { slug: string; organizationId: string }>;

export const SLUG_RESERVATION_EVENT_TYPES = eventTypes<SlugReservationEvent>({ SlugReserved: true, SlugRedirected: true, SlugReleased: true });

export type SlugReservationState =
  | { status: 'free' }
  | { status: 'held'; slug: string; organizationId: string; reservedAt: string }
  | { status: 'redirecting'; slug: string; organizationId: string; until: string };

export const slugTaken = () =>
  new DomainError('slug-taken', 'Another organization has this slug', { errors: [{ field: 'slug', message: 'slug is already in use; choose another' }] });

export function decideSlugReservation(command: SlugReservationCommand, state: SlugReservationState): SlugReservationEvent[] {
  switch (command.type) {
    case 'ReserveSlug': {
      const { slug, organizationId, now } = command.data;
      if (state.status === 'held') {
        if (state.organizationId === organizationId) return [];
        throw slugTaken();
      }
      // A redirect holds the slug for its organization until it ends; then anyone may take it.
      if (state.status === 'redirecting' && state.organizationId !== organizationId && Date.parse(now) < Date.parse(state.until)) throw slugTaken();
      return [{ type: 'SlugReserved', data: { slug, organizationId, reservedAt: now } }];
    }
    case 'RedirectSlug':
      if (state.status !== 'held' || state.organizationId !== command.data.organizationId) return [];
      return [{ type: 'SlugRedirected', data: { slug: state.slug, organizationId: state.organizationId, until: command.data.until } }];
    case 'ReleaseSlug':
      if (state.status === 'free' || state.organizationId !== command.data.organizationId) return [];
      return [{ type: 'SlugReleased', data: { slug: state.slug, organizationId: state.organizationId } }];
    case 'ReclaimSlug': {
      if (state.status !== 'held' || state.organizationId !== command.data.staleOrganizationId) throw slugTaken();
      const { slug, organizationId, now } = command.data;
      return [
        { type: 'SlugReleased', data: { slug: state.slug, organizationId: state.organizationId } },
        { type: 'SlugReserved', data: { slug, organizationId, reservedAt: now } },
      ];
    }
    default:
      return assertNever(command);
  }
}

export function evolveSlugReservation(_state: SlugReservationState, event: SlugReservationEvent): SlugReservationState {
  switch (event.type) {
    case 'SlugReserved':
      return { status: 'held', slug: event.data.slug, organizationId: event.data.organizationId, reservedAt: event.data.reservedAt };
    case 'SlugRedirected':
      return { status: 'redirecting', slug: event.data.slug, organizationId: event.data.organizationId, until: event.data.until };
    case 'SlugReleased':
      return { status: 'free' };
    default:
      return assertNever(event);
  }
}

export const slugReservationDecider: Decider<SlugReservationCommand, SlugReservationEvent, SlugReservationState> = {
  initialState: () => ({ status: 'free' }),
  evolve: evolveSlugReservation,
  decide: decideSlugReservation,
};
