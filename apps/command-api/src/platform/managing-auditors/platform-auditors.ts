import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata, PlatformRole, PlatformState, SetupTokenRecord } from '#domain';
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

const accountNotFound = (role: PlatformRole) => new ProblemException('platform-auditor-not-found', `No such platform ${role}`);
const ParseAccountId = (role: PlatformRole) => new ParseUUIDPipe({ exceptionFactory: () => accountNotFound(role) });

/** Inviting a platform auditor or analyst: a process over the address's reservation and the platform stream. */
export class InvitePlatformAuditor extends Command<CommandResult<PlatformState>> {
  constructor(
    readonly auditorId: string,
    readonly input: InvitePlatformAuditorDto,
    readonly setupToken: SetupTokenRecord,
    readonly metadata: CommandMetadata,
    readonly role: PlatformRole = 'auditor',
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

  async execute({ auditorId, input, setupToken, metadata, role }: InvitePlatformAuditor) {
    const command = { type: 'InvitePlatformAuditor' as const, data: { auditorId, ...input, setupToken, role } };
    // The platform's own rules first, so an invalid request reserves nothing; a retried
    // request was decided already.
    const platform = await this.streams.current(PLATFORM);
    const retried = metadata.idempotencyKey !== undefined && platform.idempotency.has(metadata.idempotencyKey);
    if (!retried) PLATFORM.decider.decide(command, platform.state);
    return this.reservations.holding(input.email, auditorId, null, metadata, () => this.commands.execute(toPlatform(command, metadata, { requestBody: { ...input, role } })));
  }
}

/** Removing a platform auditor or analyst: the platform's event, then the address released. */
export class RemovePlatformAuditor extends Command<CommandResult<PlatformState>> {
  constructor(
    readonly auditorId: string,
    readonly metadata: CommandMetadata,
    readonly role: PlatformRole = 'auditor',
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

  async execute({ auditorId, metadata, role }: RemovePlatformAuditor) {
    const result = await this.commands.execute(toPlatform({ type: 'RemovePlatformAuditor', data: { auditorId, role } }, metadata));
    const removed = result.appended.find((e) => e.type === 'PlatformAuditorRemoved') as { data: { email: string } } | undefined;
    if (removed) await this.reservations.releaseQuietly(removed.data.email, auditorId, metadata);
    return result;
  }
}

/** The platform accounts of one role: listed, invited and removed the same way. */
@Injectable()
export class PlatformAccounts {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly tokens: SetupTokens,
  ) {}

  async list(role: PlatformRole) {
    const { state } = await this.streams.current(PLATFORM);
    const items = state.auditors.filter((a) => a.role === role).map(({ id, email, firstName, lastName, status }) => ({ id, email, firstName, lastName, status }));
    return { items, total: items.length };
  }

  async invite(role: PlatformRole, body: InvitePlatformAuditorDto, metadata: CommandMetadata) {
    // The same key from the same caller names the same account, whatever its role (the role is in the request).
    const auditorId = metadata.idempotencyKey ? uuidV5(`platform-auditor:${metadata.idempotencyKey}`) : newId();
    const result = await this.commands.execute(new InvitePlatformAuditor(auditorId, body, this.tokens.issue(metadata.now), metadata, role));
    return { id: auditorId, revision: result.version, position: result.position };
  }

  async remove(role: PlatformRole, auditorId: string, metadata: CommandMetadata) {
    const result = await this.commands.execute(new RemovePlatformAuditor(auditorId, metadata, role));
    return { id: auditorId, revision: result.version, position: result.position };
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
  constructor(private readonly accounts: PlatformAccounts) {}

  @Get()
  @RequirePermission('platform:auditors')
  list() {
    return this.accounts.list('auditor');
  }

  @Post()
  @RequirePermission('platform:auditors')
  @HttpCode(201)
  invite(@Body() body: InvitePlatformAuditorDto, @Meta() metadata: CommandMetadata) {
    return this.accounts.invite('auditor', body, metadata);
  }

  /** Removes the auditor: their sessions stop at the next request, and their email is free again. */
  @Delete(':auditorId')
  @RequirePermission('platform:auditors')
  remove(@Param('auditorId', ParseAccountId('auditor')) auditorId: string, @Meta() metadata: CommandMetadata) {
    return this.accounts.remove('auditor', auditorId, metadata);
  }
}

/**
 * Platform analysts (issue 19, granted by super admins): read every organization's reports
 * and exports, with members under pseudonyms, and change nothing. Invited, set up and
 * removed as platform auditors are, with whom they share the platform's list of accounts.
 */
@ApiTags('platform')
@ApiBearerAuth()
@Controller('platform/analysts')
export class PlatformAnalystsController {
  constructor(private readonly accounts: PlatformAccounts) {}

  @Get()
  @RequirePermission('platform:auditors')
  list() {
    return this.accounts.list('analyst');
  }

  @Post()
  @RequirePermission('platform:auditors')
  @HttpCode(201)
  invite(@Body() body: InvitePlatformAuditorDto, @Meta() metadata: CommandMetadata) {
    return this.accounts.invite('analyst', body, metadata);
  }

  /** Removes the analyst: their sessions stop at the next request, and their email is free again. */
  @Delete(':analystId')
  @RequirePermission('platform:auditors')
  remove(@Param('analystId', ParseAccountId('analyst')) analystId: string, @Meta() metadata: CommandMetadata) {
    return this.accounts.remove('analyst', analystId, metadata);
  }
}
