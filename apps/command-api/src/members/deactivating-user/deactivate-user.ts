import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { Meta } from '../../shared/request-context.js';
import { SessionsService } from '../../auth/sessions.service.js';
import { NoBody } from '../../shared/validation.js';
import { ParseUserId } from '../user-id.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { DeactivateUserDto, UserWriteResponse } from '../member.dto.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { membersProjection } from '#read-models';

@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId/users/:userId')
export class DeactivateUserController {
  constructor(
    private readonly commands: CommandBus,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * Deactivates a user; their data is kept. If they teach active classes, `reassignTo`
   * names the instructor who takes all of them over, in the same atomic step.
   */
  @Post('deactivate')
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: UserWriteResponse })
  async deactivate(
    @Param('orgId') orgId: string,
    @Param('userId', ParseUserId) userId: string,
    @Body() body: DeactivateUserDto,
    @Meta() metadata: CommandMetadata,
  ): Promise<UserWriteResponse> {
    const command = { type: 'DeactivateUser' as const, data: { userId, actorId: metadata.actor.id, ...(body.reassignTo ? { reassignTo: body.reassignTo } : {}) } };
    const result = await this.commands.execute(toOrganization(orgId, command, metadata));
    // "Deactivated users lose access immediately": their sessions end here, in the shared
    // session store, without waiting for any projector (every replica sees it at once).
    // Should the process die before this line, the sign-in guard still refuses them once
    // the read models have the deactivation.
    await this.sessions.markEnded(userId, 'deactivated');
    return { id: userId, revision: result.version, position: result.position };
  }

  /** Makes a deactivated user active again. Their former classes stay with whoever has them. */
  @Post('reactivate')
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: UserWriteResponse })
  async reactivate(
    @Param('orgId') orgId: string,
    @Param('userId', ParseUserId) userId: string,
    @Body(NoBody) _body: undefined,
    @Meta() metadata: CommandMetadata,
  ): Promise<UserWriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'ReactivateUser', data: { userId } }, metadata));
    return { id: userId, revision: result.version, position: result.position };
  }
}
