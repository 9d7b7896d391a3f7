import { Inject } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { emailKey, erasureSubjectsOf, isErasedEmail, organizationStreamName, type CommandMetadata } from '#domain';
import { setupMailsOf, type Infrastructure } from '#runtime';
import { EmailReservations } from '../shared/email-reservations.js';
import { APP_LOGGER, INFRASTRUCTURE } from '../shared/tokens.js';
import { currentOrganization } from '../shared/write/current-organization.js';
import { StreamCache } from '../shared/write/stream-cache.js';
import { toOrganization } from '../shared/write/stream-command.js';

export class ErasureResponse {
  @ApiProperty() id!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
  @ApiProperty({ description: 'Always true: the person\'s keys are destroyed and what they sealed reads as erased' }) erased!: true;
}

/** Erasing a member's personal data (GDPR article 17; issue 20). */
export class EraseUser extends Command<ErasureResponse> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/**
 * The erasure, in this order:
 * 1. `UserErased` is recorded, decided on the organization's current state (the member
 *    must be deactivated), naming only ids;
 * 2. the person's keys are destroyed: their own, their join requests', their identity
 *    provider accounts'. From then on every value they sealed reads as erased, in the log,
 *    its copies and anything rebuilt from it;
 * 3. what lives outside the log goes: the address's platform-wide reservation, the session
 *    rows, the copies of mail kept in the outbox.
 * A request that fails after step 1 is repeated as it is: the decision finds the member
 * erased and changes nothing, and steps 2 and 3 are done again (each may be).
 */
@CommandHandler(EraseUser)
export class ErasingUser implements ICommandHandler<EraseUser> {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly reservations: EmailReservations,
    @Inject(INFRASTRUCTURE) private readonly infra: Pick<Infrastructure, 'vault' | 'sessionStore' | 'mailer' | 'eventStore' | 'blobStore' | 'auditLog'>,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ organizationId, userId, metadata }: EraseUser): Promise<ErasureResponse> {
    // Read before the erasure: the state after it no longer knows the address or the links.
    const before = await currentOrganization(this.streams, organizationId);
    const subjects = erasureSubjectsOf(before, userId);
    const email = before.members.get(userId)!.email;
    const mails = await this.mailsAbout(organizationId, userId, subjects);
    const result = await this.commands.execute(toOrganization(organizationId, { type: 'EraseUser', data: { userId, actorId: metadata.actor.id, now: metadata.now } }, metadata));
    const destroyed = await this.infra.vault.erase(subjects, metadata.now);
    await this.infra.sessionStore.revokeAllFor(userId);
    if (!isErasedEmail(email)) {
      await this.reservations.releaseQuietly(email, userId, metadata);
      await this.removeImportFiles(organizationId, email);
    }
    await this.infra.mailer.forget?.(mails);
    this.logger.info({ organizationId, userId, keysDestroyed: destroyed }, 'erased a member\'s personal data');
    return { id: userId, revision: result.version, position: result.position, erased: true };
  }

  /**
   * The member files uploaded for imports keep names and addresses as uploaded: those of
   * the organization's imports whose plan names the person are removed (the import's page
   * then says so: 410 import-files-erased). Found through the audit log, whose entries
   * name each import's files by their hash.
   */
  private async removeImportFiles(organizationId: string, email: string): Promise<void> {
    const key = emailKey(email);
    for (let page = 1; ; page++) {
      const { items } = await this.infra.auditLog.page({ organizationId, types: ['ImportPlanned'], page, pageSize: 200 });
      for (const entry of items) {
        const { fileSha256, planSha256 } = entry.details as { fileSha256?: string; planSha256?: string };
        const plan = planSha256 ? await this.infra.blobStore.get(planSha256) : null;
        if (!plan) continue;
        const { planned } = JSON.parse(plan.toString('utf8')) as { planned: { email?: string }[] };
        if (!planned.some((row) => typeof row.email === 'string' && emailKey(row.email) === key)) continue;
        if (fileSha256) await this.infra.blobStore.delete(fileSha256);
        await this.infra.blobStore.delete(planSha256!);
      }
      if (items.length < 200) return;
    }
  }

  /**
   * The ids of the mails the organization's events about the person led to (their setup
   * links, a join request's answer): a mail's id is its event's. Read as stored: only ids
   * are needed.
   */
  private async mailsAbout(organizationId: string, userId: string, subjects: string[]): Promise<string[]> {
    const requests = new Set(subjects.filter((s) => s.startsWith('join-request:')).map((s) => s.slice('join-request:'.length)));
    return setupMailsOf(this.infra.eventStore, organizationStreamName(organizationId), (data) => data.userId === userId || requests.has(String(data.requestId)));
  }
}

