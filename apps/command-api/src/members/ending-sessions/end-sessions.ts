import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { SessionsService } from '../../auth/sessions.service.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { ParseUserId } from '../user-id.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { UserWriteResponse } from '../member.dto.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { membersProjection } from '#read-models';

@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId/users/:userId/sessions')
export class EndSessionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * Signs the user out on every device. The event records who did it; the sessions
   * are also dropped from the store at once, and any replica refuses them from the
   * event on (the account's sessions-valid-after time).
   */
  @Post('end')
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: UserWriteResponse })
  async end(@Param('orgId') orgId: string, @Param('userId', ParseUserId) userId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<UserWriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'EndUserSessions', data: { userId, now: metadata.now } }, metadata));
    await this.sessions.endAllFor(userId);
    return { id: userId, revision: result.version, position: result.position };
  }
}
