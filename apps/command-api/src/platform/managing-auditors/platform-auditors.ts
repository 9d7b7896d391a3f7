import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InvitationEmail, PersonNamesDto } from '../../members/member.dto.js';
import { PLATFORM_STREAM, platformDecider, type CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { EmailReservations } from '../../shared/email-reservations.js';
import { SetupTokens } from '../../members/setup-tokens.js';
import { CommandBus } from '@nestjs/cqrs';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { PLATFORM, toDataAccessLog, toOrganization, toPlatform } from '../../shared/write/stream-command.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { ProblemException } from '../../shared/problem.js';
import { Meta } from '../../shared/request-context.js';

export class InvitePlatformAuditorDto extends PersonNamesDto {
  @InvitationEmail('compliance@platform.example')
  email!: string;
}

const auditorNotFound = () => new ProblemException('platform-auditor-not-found', 'No such platform auditor');
const ParseAuditorId = new ParseUUIDPipe({ exceptionFactory: () => auditorNotFound() });

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
    private readonly reservations: EmailReservations,
    private readonly tokens: SetupTokens,
  ) {}

  @Get()
  @RequirePermission('platform:auditors')
  async list() {
    const { state } = await this.streams.load(PLATFORM.streamName, PLATFORM.decider);
    return { items: state.auditors.map(({ id, email, firstName, lastName, status }) => ({ id, email, firstName, lastName, status })), total: state.auditors.length };
  }

  @Post()
  @RequirePermission('platform:auditors')
  @HttpCode(201)
  async invite(@Body() body: InvitePlatformAuditorDto, @Meta() metadata: CommandMetadata) {
    const auditorId = metadata.idempotencyKey ? uuidV5(`platform-auditor:${metadata.idempotencyKey}`) : newId();
    const command = { type: 'InvitePlatformAuditor' as const, data: { auditorId, ...body, setupToken: this.tokens.issue(metadata.now) } };
    // The platform's own rules first, so an invalid request reserves nothing.
    const platform = await this.streams.load(PLATFORM.streamName, PLATFORM.decider);
    const retried = metadata.idempotencyKey !== undefined && platform.idempotency.has(metadata.idempotencyKey);
    if (!retried) platformDecider.decide(command, platform.state);
    const result = await this.reservations.holding(body.email, auditorId, null, metadata, () =>
      this.commands.execute(toPlatform(command, metadata, { requestBody: body })),
    );
    return { id: auditorId, revision: result.version, position: result.position };
  }

  /** Removes the auditor: their sessions stop at the next request, and their email is free again. */
  @Delete(':auditorId')
  @RequirePermission('platform:auditors')
  async remove(@Param('auditorId', ParseAuditorId) auditorId: string, @Meta() metadata: CommandMetadata) {
    const { state } = await this.streams.load(PLATFORM.streamName, PLATFORM.decider);
    const auditor = state.auditors.find((a) => a.id === auditorId);
    if (!auditor) throw auditorNotFound();
    const result = await this.commands.execute(toPlatform({ type: 'RemovePlatformAuditor', data: { auditorId } }, metadata));
    await this.reservations.releaseQuietly(auditor.email, auditorId, metadata);
    return { id: auditorId, revision: result.version, position: result.position };
  }
}
