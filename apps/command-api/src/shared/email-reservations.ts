import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { DomainError, normalizeEmail, type CommandMetadata } from '#domain';
import { APP_LOGGER } from './tokens.js';
import { StreamCache } from './write/stream-cache.js';
import { emailReservationStream, organizationStream, PLATFORM, toEmailReservation } from './write/stream-command.js';

/** A reservation younger than this may belong to a request still on its way to the organization stream. */
const RECLAIM_AFTER_MS = 5 * 60_000;

/**
 * Platform-wide unique emails, across organization streams. Reserve before the
 * organization append, release when that append fails or the user goes away. A crash
 * between the two appends can leave a reservation whose holder never came to exist;
 * the next reservation of that address, five minutes on, checks the holder and takes
 * it over. Younger reservations are left alone: their request may still be running.
 */
@Injectable()
export class EmailReservations {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async reserve(email: string, ownerId: string, organizationId: string | null, metadata: CommandMetadata): Promise<void> {
    const stream = emailReservationStream(email);
    // `now` differs on a retry; the address and its owner are the request.
    const options = { requestBody: { email: normalizeEmail(email), ownerId } };
    try {
      await this.commands.execute(toEmailReservation(email, organizationId, { type: 'ReserveEmail', data: { email: normalizeEmail(email), ownerId, organizationId, now: metadata.now } }, metadata, options));
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'email-already-in-use')) throw error;
      const reservation = (await this.streams.current(stream)).state;
      if (reservation.status !== 'reserved') throw error;
      const inFlight = Date.parse(metadata.now) - Date.parse(reservation.reservedAt) < RECLAIM_AFTER_MS;
      if (inFlight || (await this.holderExists(reservation.ownerId, reservation.organizationId, email))) throw error;
      this.logger.warn({ streamName: stream.streamName, staleOwnerId: reservation.ownerId }, 'reclaiming an email reservation whose holder does not exist');
      await this.commands.execute(
        toEmailReservation(email, organizationId, { type: 'ReclaimEmail', data: { staleOwnerId: reservation.ownerId, email: normalizeEmail(email), ownerId, organizationId, now: metadata.now } }, metadata, options),
      );
    }
  }

  async release(email: string, ownerId: string, metadata: CommandMetadata): Promise<void> {
    await this.commands.execute(toEmailReservation(email, null, { type: 'ReleaseEmail', data: { ownerId } }, metadata));
  }

  /**
   * Reserves the address, runs the append that needs it, and releases the address if
   * that append fails: the one shape of every invitation and registration.
   */
  async holding<T>(email: string, ownerId: string, organizationId: string | null, metadata: CommandMetadata, append: () => Promise<T>): Promise<T> {
    await this.reserve(email, ownerId, organizationId, metadata);
    try {
      return await append();
    } catch (error) {
      await this.releaseQuietly(email, ownerId, metadata);
      throw error;
    }
  }

  /** Releases without failing the caller: a leftover reservation is reclaimed later. */
  async releaseQuietly(email: string, ownerId: string, metadata: CommandMetadata): Promise<void> {
    await this.release(email, ownerId, metadata).catch((error: unknown) =>
      this.logger.warn({ err: error, ownerId }, 'could not release an email reservation; it will be reclaimed when needed'),
    );
  }

  private async holderExists(ownerId: string, organizationId: string | null, email: string): Promise<boolean> {
    if (organizationId === null) {
      const platform = (await this.streams.current(PLATFORM)).state;
      return platform.superAdmins.some((s) => s.id === ownerId) || platform.auditors.some((a) => a.id === ownerId);
    }
    const organization = (await this.streams.current(organizationStream(organizationId))).state;
    if (organization.status !== 'existing') return false;
    const member = organization.members.get(ownerId);
    return !!member && normalizeEmail(member.email) === normalizeEmail(email);
  }
}
