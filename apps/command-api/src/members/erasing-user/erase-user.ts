import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '#domain';
import { accountsProjection, membersProjection, statementsProjection } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { EraseUser, ErasureResponse } from '../erasing.js';
import { ParseUserId } from '../user-id.js';

@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection, accountsProjection, statementsProjection)
@Controller('organizations/:orgId/users/:userId')
export class EraseUserController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Erases a deactivated member's personal data: their name, email, addresses and what
   * their learning records say about them read as "erased" with their id from now on,
   * everywhere. Their membership, roles and records stay, attributed to the id. Answers
   * 409 user-not-deactivated for a member who is not deactivated; erasing again changes
   * nothing.
   */
  @Post('erase')
  @RequirePermission('personal-data:erase')
  @HttpCode(200)
  @ApiOkResponse({ type: ErasureResponse })
  async erase(
    @Param('orgId') orgId: string,
    @Param('userId', ParseUserId) userId: string,
    @Body(NoBody) _body: undefined,
    @Meta() metadata: CommandMetadata,
  ): Promise<ErasureResponse> {
    return this.commands.execute(new EraseUser(orgId, userId, metadata));
  }
}
