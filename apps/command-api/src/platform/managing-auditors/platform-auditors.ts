import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InvitationEmail, PersonNamesDto } from '../../members/member.dto.js';
import { PLATFORM_STREAM, platformDecider, type CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { EmailReservations } from '../../members/email-reservations.js';
import { SetupTokens } from '../../members/setup-tokens.js';
import { AggregateRepository } from '../../shared/aggregate-repository.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { ProblemException } from '../../shared/problem.js';
import { Meta } from '../../shared/request-context.js';

export class InvitePlatformAuditorDto extends PersonNamesDto {
  @InvitationEmail('compliance@platform.example')
  email!: string;
}

const auditorNotFound = () => new ProblemException(404, 'platform-auditor-not-found', 'No such platform auditor');
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
    private readonly repository: AggregateRepository,
    private readonly reservations: EmailReservations,
    private readonly tokens: SetupTokens,
  ) {}

  @Get()
  @RequirePermission('platform:auditors')
  async list() {
    const { state } = await this.repository.load(PLATFORM_STREAM, platformDecider);
    return { items: state.auditors.map(({ id, email, firstName, lastName, status }) => ({ id, email, firstName, lastName, status })), total: state.auditors.length };
  }

  @Post()
  @RequirePermission('platform:auditors')
  @HttpCode(201)
  async invite(@Body() body: InvitePlatformAuditorDto, @Meta() metadata: CommandMetadata) {
    const auditorId = metadata.idempotencyKey ? uuidV5(`platform-auditor:${metadata.idempotencyKey}`) : newId();
    const command = { type: 'InvitePlatformAuditor' as const, data: { auditorId, ...body, setupToken: this.tokens.issue(metadata.now) } };
    // The platform's own rules first, so an invalid request reserves nothing.
    const platform = await this.repository.load(PLATFORM_STREAM, platformDecider);
    const retried = metadata.idempotencyKey !== undefined && platform.idempotency.has(metadata.idempotencyKey);
    if (!retried) platformDecider.decide(command, platform.state);
    const result = await this.reservations.holding(body.email, auditorId, null, metadata, () =>
      this.repository.handle({ streamName: PLATFORM_STREAM, decider: platformDecider, command, metadata, organizationId: null, requestBody: body }),
    );
    return { id: auditorId, revision: result.version, position: result.position };
  }

  /** Removes the auditor: their sessions stop at the next request, and their email is free again. */
  @Delete(':auditorId')
  @RequirePermission('platform:auditors')
  async remove(@Param('auditorId', ParseAuditorId) auditorId: string, @Meta() metadata: CommandMetadata) {
    const { state } = await this.repository.load(PLATFORM_STREAM, platformDecider);
    const auditor = state.auditors.find((a) => a.id === auditorId);
    if (!auditor) throw auditorNotFound();
    const result = await this.repository.handle({ streamName: PLATFORM_STREAM, decider: platformDecider, command: { type: 'RemovePlatformAuditor', data: { auditorId } }, metadata, organizationId: null });
    await this.reservations.releaseQuietly(auditor.email, auditorId, metadata);
    return { id: auditorId, revision: result.version, position: result.position };
  }
}
