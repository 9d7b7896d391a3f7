import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { DomainError, ORGANIZATION_ROLES, ROLES_MESSAGE, type CommandMetadata, type OrganizationCommand } from '#domain';
import { membersProjection } from '#read-models';
import { SessionsService } from '../../auth/sessions.service.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { mapConcurrently } from '../../shared/concurrency.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { toOrganization } from '../../shared/write/stream-command.js';

export const BULK_ACTIONS = ['set-roles', 'add-to-teams', 'deactivate'] as const;
export const BULK_USERS_MAX = 1_000;

export class BulkUsersDto {
  @ApiProperty({ enum: BULK_ACTIONS, description: 'set-roles (roles), add-to-teams (teamIds), deactivate (reassignTo for those who teach)' })
  @IsDefined({ message: 'action is required' })
  @IsIn(BULK_ACTIONS as unknown as string[], { message: `action must be one of ${BULK_ACTIONS.join(', ')}` })
  action!: (typeof BULK_ACTIONS)[number];

  @ApiProperty({ type: [String], maxItems: BULK_USERS_MAX })
  @IsDefined({ message: 'userIds is required' })
  @IsArray({ message: 'userIds must be a list' })
  @ArrayMinSize(1, { message: 'userIds must name at least one user' })
  @ArrayMaxSize(BULK_USERS_MAX, { message: `userIds may name at most ${BULK_USERS_MAX} users per request` })
  @IsUUID('all', { each: true, message: 'userIds must be user ids' })
  userIds!: string[];

  @ApiPropertyOptional({ enum: ORGANIZATION_ROLES, isArray: true, description: 'With set-roles: the roles each user ends up with' })
  @ValidateIf((o: BulkUsersDto) => o.action === 'set-roles')
  @IsDefined({ message: 'roles is required to set roles' })
  @IsArray({ message: 'roles must be a list' })
  @ArrayMinSize(1, { message: 'at least one role is required' })
  @IsIn(ORGANIZATION_ROLES as string[], { each: true, message: ROLES_MESSAGE })
  roles?: string[];

  @ApiPropertyOptional({ type: [String], description: 'With add-to-teams: the teams each user joins' })
  @ValidateIf((o: BulkUsersDto) => o.action === 'add-to-teams')
  @IsDefined({ message: 'teamIds is required to add to teams' })
  @IsArray({ message: 'teamIds must be a list' })
  @ArrayMinSize(1, { message: 'teamIds must name at least one team' })
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'teamIds must be team ids' })
  teamIds?: string[];

  @ApiPropertyOptional({ description: 'With deactivate: the one instructor who takes over the active classes of those who teach' })
  @IsOptional()
  @IsUUID('all', { message: 'reassignTo must be a user id' })
  reassignTo?: string;
}

type BulkItemOutcome = 'changed' | 'unchanged' | 'refused';

class BulkItemResult {
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ['changed', 'unchanged', 'refused'] }) outcome!: BulkItemOutcome;
  @ApiPropertyOptional({ description: 'Why it was refused: the code a single request would answer' }) code?: string;
  @ApiPropertyOptional() message?: string;
}

class BulkUsersResponse {
  @ApiProperty() changed!: number;
  @ApiProperty({ type: [BulkItemResult], description: 'One per user, in the order sent' }) results!: BulkItemResult[];
  @ApiProperty({ description: 'The log position of the last change (read-your-writes)' }) position!: number;
}

/**
 * Bulk role change, team assignment and deactivation (issue 17): each user by the very
 * command a single request sends, so every rule holds per user (one's own admin role,
 * the last owner, an instructor's classes); the commands of one request are decided in
 * batches by the organization's stream queue. A refusal is that user's outcome.
 */
@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId')
export class BulkUsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly sessions: SessionsService,
  ) {}

  @Post('users::bulk')
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: BulkUsersResponse })
  async apply(@Param('orgId') orgId: string, @Body() body: BulkUsersDto, @Meta() metadata: CommandMetadata): Promise<BulkUsersResponse> {
    const actorId = metadata.actor.id;
    const single = { ...metadata, idempotencyKey: undefined };
    const commandsFor = (userId: string): OrganizationCommand[] => {
      switch (body.action) {
        case 'set-roles':
          return [{ type: 'EditUser', data: { userId, actorId, roles: body.roles! } }];
        case 'add-to-teams':
          return body.teamIds!.map((teamId) => ({ type: 'AddTeamMembers' as const, data: { teamId, userIds: [userId], actor: metadata.actor } }));
        case 'deactivate':
          return [{ type: 'DeactivateUser', data: { userId, actorId, ...(body.reassignTo ? { reassignTo: body.reassignTo } : {}) } }];
      }
    };
    let position = 0;
    const results = await mapConcurrently([...new Set(body.userIds)], 16, async (userId): Promise<BulkItemResult> => {
      let changed = false;
      try {
        for (const command of commandsFor(userId)) {
          const result = await this.commands.execute(toOrganization(orgId, command, single));
          if (result.appended.length > 0) changed = true;
          position = Math.max(position, result.position);
        }
        // As a single deactivation: their sessions end at once, on every replica.
        if (body.action === 'deactivate' && changed) await this.sessions.markEnded(userId, 'deactivated');
        return { userId, outcome: changed ? 'changed' : 'unchanged' };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // An unknown organization is the request's answer, not each user's.
        if (error.code === 'organization-not-found') throw error;
        return { userId, outcome: 'refused', code: error.code, message: error.message };
      }
    });
    return { changed: results.filter((r) => r.outcome === 'changed').length, results, position };
  }
}
