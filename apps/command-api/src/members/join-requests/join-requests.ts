import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { DomainError, JOIN_REASON_MAX, type CommandMetadata, type JoinRequest } from '#domain';
import { membersProjection } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { EmailReservations } from '../../shared/email-reservations.js';
import { newId } from '../../shared/ids.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { SetupTokens } from '../setup-tokens.js';
import { RolesField, TeamIdsField } from '../member.dto.js';

export class JoinRequestsQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'], description: 'pending by default' })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected', 'all'], { message: 'status must be one of pending, approved, rejected, all' })
  status?: 'pending' | 'approved' | 'rejected' | 'all';
}

export class ApproveJoinRequestDto {
  @RolesField(['member'])
  roles!: string[];

  @TeamIdsField('Teams the new member joins')
  teamIds?: string[];
}

export class RejectJoinRequestDto {
  @ApiProperty({ maxLength: JOIN_REASON_MAX, description: 'Mailed to the person' })
  @IsDefined({ message: 'reason is required' })
  @IsString({ message: 'reason must be text' })
  @MaxLength(JOIN_REASON_MAX, { message: `reason must be at most ${JOIN_REASON_MAX} characters` })
  reason!: string;
}

class JoinRequestView {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] }) status!: string;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ type: 'string', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) reason!: string | null;
}

class JoinDecision {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['approved', 'rejected'] }) status!: string;
  @ApiPropertyOptional({ description: 'approved: the new member' }) userId?: string;
  @ApiProperty() position!: number;
}

/**
 * The approval queue (multi-tenant guide, Domain Auto-Join; issue 17): who asked to
 * join, approved with roles and teams (an invitation by the usual rules, mailed) or
 * declined with a reason (mailed). Every decision is an event.
 */
@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId/join-requests')
export class JoinRequestsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly emails: EmailReservations,
    private readonly tokens: SetupTokens,
  ) {}

  @Get()
  @RequirePermission('user:manage')
  @ApiOkResponse({ type: [JoinRequestView] })
  async list(@Param('orgId') orgId: string, @Query() query: JoinRequestsQueryDto): Promise<{ items: JoinRequest[] }> {
    const organization = await currentOrganization(this.streams, orgId);
    const status = query.status ?? 'pending';
    const items = Object.values(organization.joinRequests)
      .filter((r) => status === 'all' || r.status === status)
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    return { items };
  }

  @Post(':requestId/approve')
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: JoinDecision })
  async approve(@Param('orgId') orgId: string, @Param('requestId') requestId: string, @Body() body: ApproveJoinRequestDto, @Meta() metadata: CommandMetadata): Promise<JoinDecision> {
    const organization = await currentOrganization(this.streams, orgId);
    const request = organization.joinRequests[requestId];
    if (!request) throw new DomainError('join-request-not-found', 'No such join request in this organization');
    const userId = newId();
    const command = { type: 'ApproveJoinRequest' as const, data: { requestId, userId, roles: body.roles, setupToken: this.tokens.issue(metadata.now), actorId: metadata.actor.id, now: metadata.now } };
    const result = await this.emails.holding(request.email, userId, orgId, metadata, () => this.commands.execute(toOrganization(orgId, command, metadata)));
    let position = result.position;
    for (const teamId of body.teamIds ?? []) position = (await this.commands.execute(toOrganization(orgId, { type: 'AddTeamMembers', data: { teamId, userIds: [userId], actor: metadata.actor } }, metadata))).position;
    return { id: requestId, status: 'approved', userId, position };
  }

  @Post(':requestId/reject')
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: JoinDecision })
  async reject(@Param('orgId') orgId: string, @Param('requestId') requestId: string, @Body() body: RejectJoinRequestDto, @Meta() metadata: CommandMetadata): Promise<JoinDecision> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'RejectJoinRequest', data: { requestId, reason: body.reason, now: metadata.now } }, metadata));
    return { id: requestId, status: 'rejected', position: result.position };
  }
}
