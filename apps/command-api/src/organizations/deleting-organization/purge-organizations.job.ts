import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Cron } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError, erasureSubjectsOf, joinRequestSubject, organizationContactsSubject, purgeReleases, SYSTEM_ACTOR, type CommandMetadata } from '#domain';
import type { Infrastructure } from '#runtime';
import { organizationsDueForPurge, type ReadStore } from '#read-models';
import { EmailReservations } from '../../shared/email-reservations.js';
import { SlugReservations } from '../../shared/slug-reservations.js';
import { APP_LOGGER, INFRASTRUCTURE, READ_STORE } from '../../shared/tokens.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { organizationStream, toDictionary, toDomainClaim, toLanguages, toLibrary, toOrganization } from '../../shared/write/stream-command.js';

/** How often the job looks for purges that are due: a purge is at most this late. */
export const PURGE_CRON = '*/10 * * * *';

/**
 * The purge of deleted organizations, on a schedule (`@nestjs/schedule`). Each purge is
 * due at a midnight in its organization's time zone (the decider set `purgeAt` so); the
 * job runs every ten minutes in every API process, and a purge two processes race for is
 * decided once by the organization's stream.
 *
 * Order: the members' emails, the slugs and the verified domains are freed first, then the purge is appended.
 * A crash in between leaves the organization due, so the next run frees (nothing more)
 * and purges; the other order could purge and lose the list of what to free.
 */
@Injectable()
export class PurgeOrganizationsJob {
  private running: Promise<number> | null = null;

  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly emails: EmailReservations,
    private readonly slugs: SlugReservations,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @Inject(INFRASTRUCTURE) private readonly infra: Pick<Infrastructure, 'vault'>,
  ) {}

  @Cron(PURGE_CRON, { name: 'purge-organizations' })
  async onSchedule(): Promise<void> {
    await this.purgeDue(new Date());
  }

  /** Purges every organization due at `now`; answers how many it purged. One run at a time per process. */
  purgeDue(now: Date): Promise<number> {
    this.running ??= this.run(now).finally(() => (this.running = null));
    return this.running;
  }

  private async run(now: Date): Promise<number> {
    let purged = 0;
    for (const organizationId of await organizationsDueForPurge(this.readStore, now.toISOString())) {
      try {
        if (await this.purge(organizationId, now)) purged++;
      } catch (error) {
        // One organization's failure does not hold up the others; it is tried again next run.
        this.logger.error({ err: error, organizationId }, 'purging an organization failed; trying again at the next run');
      }
    }
    if (purged > 0) this.logger.info({ purged }, 'purged deleted organizations');
    return purged;
  }

  private async purge(organizationId: string, now: Date): Promise<boolean> {
    const correlationId = randomUUID();
    const metadata: CommandMetadata = { actor: SYSTEM_ACTOR, now: now.toISOString(), correlationId, causationId: correlationId };
    const { state } = await this.streams.current(organizationStream(organizationId));
    if (state.status !== 'existing' || !state.deletion || Date.parse(state.deletion.purgeAt) > now.getTime()) return false;
    const { emails, slugs, domains } = purgeReleases(state);
    for (const { userId, email } of emails) await this.emails.release(email, userId, metadata);
    for (const slug of slugs) await this.slugs.release(slug, organizationId, metadata);
    for (const domain of domains) await this.commands.execute(toDomainClaim(domain, organizationId, { type: 'ReleaseDomain', data: { organizationId } }, metadata));
    try {
      await this.commands.execute(toOrganization(organizationId, { type: 'PurgeOrganization', data: { now: metadata.now } }, metadata));
    } catch (error) {
      // Restored a moment ago, or purged by another process: nothing to do.
      if (error instanceof DomainError && (error.code === 'organization-not-being-deleted' || error.code === 'organization-not-found')) return false;
      throw error;
    }
    // After the purge, never before: a restore in between would find its dictionary gone.
    // The dictionary's and the library's purges carry the counts the languages' usage drops by; then every
    // language the organization held, whatever for, is let go. A crash in between leaves
    // languages held (they cannot be removed), the safe side.
    await this.commands.execute(toDictionary(organizationId, { type: 'PurgeDictionary', data: { organizationId } }, metadata));
    await this.commands.execute(toLibrary(organizationId, { type: 'PurgeLibrary', data: { organizationId } }, metadata));
    await this.commands.execute(toLanguages({ type: 'ReleaseOrganizationHolds', data: { organizationId } }, metadata));
    // Its people are erased with it (issue 20): the members', their join requests' and
    // identity-provider accounts', and the contact people's keys are destroyed. After the
    // purge, never before: a restore in between would find everyone erased.
    const subjects = [...state.members.keys()].flatMap((userId) => erasureSubjectsOf(state, userId));
    await this.infra.vault.erase([...new Set([...subjects, ...Object.keys(state.joinRequests).map(joinRequestSubject), organizationContactsSubject(organizationId)])], metadata.now);
    return true;
  }
}
