import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { Meta } from '../../shared/request-context.js';
import { InviteUserDto, UserWriteResponse } from '../member.dto.js';
import { InviteUser } from '../inviting.js';
import { SetupTokens } from '../setup-tokens.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { membersProjection } from '#read-models';

@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId/users')
export class InviteUserController {
  constructor(
    private readonly commands: CommandBus,
    private readonly tokens: SetupTokens,
  ) {}

  /** Invites an instructor or admin: the user is created setup-pending and a setup email is sent. */
  @Post()
  @RequirePermission('user:manage')
  @HttpCode(201)
  @ApiCreatedResponse({ type: UserWriteResponse })
  async invite(@Param('orgId') orgId: string, @Body() body: InviteUserDto, @Meta() metadata: CommandMetadata): Promise<UserWriteResponse> {
    const userId = metadata.idempotencyKey ? uuidV5(`user:${orgId}:${metadata.idempotencyKey}`) : newId();
    const result = await this.commands.execute(new InviteUser(orgId, userId, body, this.tokens.issue(metadata.now), metadata));
    return { id: userId, revision: result.version, position: result.position };
  }
}
