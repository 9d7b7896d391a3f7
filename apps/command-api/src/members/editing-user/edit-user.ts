import { Body, Controller, Headers, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { Meta } from '../../shared/request-context.js';
import { sentFields } from '../../shared/validation.js';
import { ParseUserId } from '../user-id.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { EditUserDto, UserWriteResponse } from '../member.dto.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { membersProjection } from '#read-models';

@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId/users/:userId')
export class EditUserController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Edits names and roles as a JSON Merge Patch: only the fields sent change. If-Match
   * takes the user's ETag (412 stale-revision when someone changed the user since).
   * Refuses to remove the instructor role while classes are active (409
   * instructor-has-active-classes, with the classes), to remove your own
   * admin role (409 cannot-remove-own-admin-role), or the last active admin's.
   * The edited user stays signed in.
   */
  @Patch()
  @RequirePermission('user:manage')
  @ApiOkResponse({ type: UserWriteResponse })
  async edit(
    @Param('orgId') orgId: string,
    @Param('userId', ParseUserId) userId: string,
    @Body() body: EditUserDto,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<UserWriteResponse> {
    const { firstName, lastName, roles } = body;
    const command = { type: 'EditUser' as const, data: { userId, actorId: metadata.actor.id, ...sentFields({ firstName, lastName, roles }) } };
    const result = await this.commands.execute(toOrganization(orgId, command, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id: userId, revision: result.version, position: result.position };
  }
}
