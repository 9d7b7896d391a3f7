import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata, PlatformState, SetupTokenRecord } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { InvitationEmail, PersonNamesDto } from '../../members/member.dto.js';
import { SetupTokens } from '../../members/setup-tokens.js';
import { EmailReservations } from '../../shared/email-reservations.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { ProblemException } from '../../shared/problem.js';
import { Meta } from '../../shared/request-context.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { PLATFORM, toPlatform, type CommandResult } from '../../shared/write/stream-command.js';

export class InvitePlatformAuditorDto extends PersonNamesDto {
  @InvitationEmail('compliance@platform.example')
  email!: string;
}

const auditorNotFound = () => new ProblemException('platform-auditor-not-found', 'No such platform auditor');
const ParseAuditorId = new ParseUUIDPipe({ exceptionFactory: () => auditorNotFound() });

/** Inviting a platform auditor: a process over the address's reservation and the platform stream. */
export class InvitePlatformAuditor extends Command<CommandResult<PlatformState>> {
  constructor(
    readonly auditorId: string,
    readonly input: InvitePlatformAuditorDto,
    readonly setupToken: SetupTokenRecord,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** Reserves the address, then appends the invitation to the platform; releases the address if that fails. */
@CommandHandler(InvitePlatformAuditor)
export class InvitingPlatformAuditor implements ICommandHandler<InvitePlatformAuditor> {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly reservations: EmailReservations,
  ) {}

  async execute({ auditorId, input, setupToken, metadata }: InvitePlatformAuditor) {
    const command = { type: 'InvitePlatformAuditor' as const, data: { auditorId, ...input, setupToken } };
    // The platform's own rules first, so an invalid request reserves nothing; a retried
    // request was decided already.
    const platform = await this.streams.current(PLATFORM);
    const retried = metadata.idempotencyKey !== undefined && platform.idempotency.has(metadata.idempotencyKey);
    if (!retried) PLATFORM.decider.decide(command, platform.state);
    return this.reservations.holding(input.email, auditorId, null, metadata, () => this.commands.execute(toPlatform(command, metadata, { requestBody: input })));
  }
}

/** Removing a platform auditor: the platform's event, then the address released. */
export class RemovePlatformAuditor extends Command<CommandResult<PlatformState>> {
  constructor(
    readonly auditorId: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

@CommandHandler(RemovePlatformAuditor)
export class RemovingPlatformAuditor implements ICommandHandler<RemovePlatformAuditor> {
  constructor(
    private readonly commands: CommandBus,
    private readonly reservations: EmailReservations,
  ) {}

  async execute({ auditorId, metadata }: RemovePlatformAuditor) {
    const result = await this.commands.execute(toPlatform({ type: 'RemovePlatformAuditor', data: { auditorId } }, metadata));
    const removed = result.appended.find((e) => e.type === 'PlatformAuditorRemoved') as { data: { email: string } } | undefined;
    if (removed) await this.reservations.releaseQuietly(removed.data.email, auditorId, metadata);
    return result;
  }
}

/**
 * Platform auditors (super admins only): compliance officers who read every
 * organization's audit trail and change nothing. They are invited like members, by a
 * setup link the mail reactor sends, and their email is unique platform-wide.
 */
@ApiTags('platform')
@ApiBearerAuth()
@Controller('platform/auditors')
export class PlatformAuditorsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly tokens: SetupTokens,
  ) {}

  @Get()
  @RequirePermission('platform:auditors')
  async list() {
    const { state } = await this.streams.current(PLATFORM);
    return { items: state.auditors.map(({ id, email, firstName, lastName, status }) => ({ id, email, firstName, lastName, status })), total: state.auditors.length };
  }

  @Post()
  @RequirePermission('platform:auditors')
  @HttpCode(201)
  async invite(@Body() body: InvitePlatformAuditorDto, @Meta() metadata: CommandMetadata) {
    const auditorId = metadata.idempotencyKey ? uuidV5(`platform-auditor:${metadata.idempotencyKey}`) : newId();
    const result = await this.commands.execute(new InvitePlatformAuditor(auditorId, body, this.tokens.issue(metadata.now), metadata));
    return { id: auditorId, revision: result.version, position: result.position };
  }

  /** Removes the auditor: their sessions stop at the next request, and their email is free again. */
  @Delete(':auditorId')
  @RequirePermission('platform:auditors')
  async remove(@Param('auditorId', ParseAuditorId) auditorId: string, @Meta() metadata: CommandMetadata) {
    const result = await this.commands.execute(new RemovePlatformAuditor(auditorId, metadata));
    return { id: auditorId, revision: result.version, position: result.position };
  }
}
