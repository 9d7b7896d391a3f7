import { describe, test } from '@jest/globals';
import { deciderSpec } from '../testing/given-when-then.js';
import { slugReservationDecider, type SlugReservationEvent } from './slug-reservation.js';

const spec = deciderSpec(slugReservationDecider);
const now = '2026-11-23T00:00:00.000Z';
const reserved: SlugReservationEvent = { type: 'SlugReserved', data: { slug: 'lakeshore', organizationId: 'o1', reservedAt: now } };
const redirected: SlugReservationEvent = { type: 'SlugRedirected', data: { slug: 'lakeshore', organizationId: 'o1', until: '2027-02-21T00:00:00.000Z' } };

describe('Slug reservations', () => {
  test('a free slug is reserved for its organization; reserving it again for the same one writes nothing', () => {
    spec([]).when({ type: 'ReserveSlug', data: { slug: 'lakeshore', organizationId: 'o1', now } }).then([reserved]);
    spec([reserved]).when({ type: 'ReserveSlug', data: { slug: 'lakeshore', organizationId: 'o1', now } }).thenNothingHappens();
  });

  test('another organization is refused with slug-taken', () => {
    spec([reserved]).when({ type: 'ReserveSlug', data: { slug: 'lakeshore', organizationId: 'o2', now } }).thenFails('slug-taken', { kind: 'conflict', fields: ['slug'] });
  });

  test('a slug left behind keeps leading to its organization for its 90 days: another organization is refused until the last moment', () => {
    spec([reserved]).when({ type: 'RedirectSlug', data: { organizationId: 'o1', until: '2027-02-21T00:00:00.000Z' } }).then([redirected]);
    spec([reserved, redirected]).when({ type: 'ReserveSlug', data: { slug: 'lakeshore', organizationId: 'o2', now: '2027-02-20T23:59:59.999Z' } }).thenFails('slug-taken');
  });

  test('once the redirect has ended, another organization may take the slug', () => {
    spec([reserved, redirected]).when({ type: 'ReserveSlug', data: { slug: 'lakeshore', organizationId: 'o2', now: '2027-02-21T00:00:00.000Z' } }).then([
      { type: 'SlugReserved', data: { slug: 'lakeshore', organizationId: 'o2', reservedAt: '2027-02-21T00:00:00.000Z' } },
    ]);
  });

  test('the organization itself may take its old slug back while it redirects', () => {
    spec([reserved, redirected]).when({ type: 'ReserveSlug', data: { slug: 'lakeshore', organizationId: 'o1', now: '2026-12-01T00:00:00.000Z' } }).then([
      { type: 'SlugReserved', data: { slug: 'lakeshore', organizationId: 'o1', reservedAt: '2026-12-01T00:00:00.000Z' } },
    ]);
  });

  test('only the holder redirects or releases; a released slug is free at once', () => {
    spec([reserved]).when({ type: 'RedirectSlug', data: { organizationId: 'o2', until: now } }).thenNothingHappens();
    spec([reserved]).when({ type: 'ReleaseSlug', data: { organizationId: 'o2' } }).thenNothingHappens();
    const released: SlugReservationEvent = { type: 'SlugReleased', data: { slug: 'lakeshore', organizationId: 'o1' } };
    spec([reserved, redirected]).when({ type: 'ReleaseSlug', data: { organizationId: 'o1' } }).then([released]);
    spec([reserved, released]).when({ type: 'ReserveSlug', data: { slug: 'lakeshore', organizationId: 'o2', now } }).then([
      { type: 'SlugReserved', data: { slug: 'lakeshore', organizationId: 'o2', reservedAt: now } },
    ]);
  });

  test('reclaiming needs the stale holder named exactly', () => {
    spec([reserved]).when({ type: 'ReclaimSlug', data: { staleOrganizationId: 'o1', slug: 'lakeshore', organizationId: 'o3', now } }).then([
      { type: 'SlugReleased', data: { slug: 'lakeshore', organizationId: 'o1' } },
      { type: 'SlugReserved', data: { slug: 'lakeshore', organizationId: 'o3', reservedAt: now } },
    ]);
    spec([reserved]).when({ type: 'ReclaimSlug', data: { staleOrganizationId: 'o9', slug: 'lakeshore', organizationId: 'o3', now } }).thenFails('slug-taken');
  });
});
