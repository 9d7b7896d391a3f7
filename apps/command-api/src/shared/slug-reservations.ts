import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { DomainError, type CommandMetadata } from '#domain';
import { APP_LOGGER } from './tokens.js';
import { StreamCache } from './write/stream-cache.js';
import { organizationStream, slugReservationStream, toSlugReservation } from './write/stream-command.js';

/** A reservation younger than this may belong to a creation still on its way to the organization stream. */
const RECLAIM_AFTER_MS = 5 * 60_000;

/**
 * Platform-wide unique slugs, across organization streams (as EmailReservations does for
 * addresses): reserve before the organization's append, release when that append fails.
 * A crash between the two can leave a slug held by an organization that never came to
 * exist, or that holds another slug; five minutes on, the next organization that wants
 * the slug checks the holder and takes it over.
 */
@Injectable()
export class SlugReservations {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async reserve(slug: string, organizationId: string, metadata: CommandMetadata): Promise<void> {
    // `now` differs on a retry; the slug and its organization are the request.
    const options = { requestBody: { slug, organizationId } };
    try {
      await this.commands.execute(toSlugReservation(slug, organizationId, { type: 'ReserveSlug', data: { slug, organizationId, now: metadata.now } }, metadata, options));
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'slug-taken')) throw error;
      const reservation = (await this.streams.current(slugReservationStream(slug, organizationId))).state;
      if (reservation.status !== 'held') throw error;
      const inFlight = Date.parse(metadata.now) - Date.parse(reservation.reservedAt) < RECLAIM_AFTER_MS;
      if (inFlight || (await this.holds(reservation.organizationId, slug))) throw error;
      this.logger.warn({ slug, staleOrganizationId: reservation.organizationId }, 'reclaiming a slug whose holder does not use it');
      await this.commands.execute(
        toSlugReservation(slug, organizationId, { type: 'ReclaimSlug', data: { staleOrganizationId: reservation.organizationId, slug, organizationId, now: metadata.now } }, metadata, options),
      );
    }
  }

  /**
   * The first of the candidates that is free: an organization that did not choose its
   * slug gets its name's, or the name's with a number, or one made from its id.
   */
  async reserveFirstFree(candidates: string[], organizationId: string, metadata: CommandMetadata): Promise<string> {
    for (const [i, slug] of candidates.entries()) {
      try {
        await this.reserve(slug, organizationId, metadata);
        return slug;
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'slug-taken') || i === candidates.length - 1) throw error;
      }
    }
    throw new Error('no slug candidates');
  }

  /** The old slug leads to the organization until `until`; only then may another organization take it. */
  redirect(slug: string, organizationId: string, until: string, metadata: CommandMetadata): Promise<unknown> {
    return this.commands.execute(toSlugReservation(slug, organizationId, { type: 'RedirectSlug', data: { organizationId, until } }, metadata));
  }

  release(slug: string, organizationId: string, metadata: CommandMetadata): Promise<unknown> {
    return this.commands.execute(toSlugReservation(slug, organizationId, { type: 'ReleaseSlug', data: { organizationId } }, metadata));
  }

  /** Releases without failing the caller: a leftover reservation is reclaimed when someone wants the slug. */
  async releaseQuietly(slug: string, organizationId: string, metadata: CommandMetadata): Promise<void> {
    await this.release(slug, organizationId, metadata).catch((error: unknown) =>
      this.logger.warn({ err: error, slug, organizationId }, 'could not release a slug reservation; it will be reclaimed when needed'),
    );
  }

  /** Whether the holder exists and uses the slug, now or as a redirect. */
  private async holds(organizationId: string, slug: string): Promise<boolean> {
    const organization = (await this.streams.current(organizationStream(organizationId))).state;
    return organization.status === 'existing' && (organization.slug === slug || organization.previousSlugs.some((p) => p.slug === slug));
  }
}
