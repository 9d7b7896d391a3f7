import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsUUID } from 'class-validator';
import type { CommandMetadata } from '#domain';
import { membersProjection } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';

export class TransferOwnershipDto {
  @ApiProperty({ format: 'uuid', description: 'An active member of the organization, who becomes its owner' })
  @IsDefined({ message: 'toUserId is required' })
  @IsUUID('all', { message: 'toUserId must be a user id' })
  toUserId!: string;
}

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId/ownership-transfer')
export class TransferOwnershipController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Hands the organization to another active member in one step (multi-tenant guide,
   * "Member Roles": owners transfer ownership): they become owner (and admin), the caller
   * stays an admin. Answers with the new owner's id and version.
   */
  @Post()
  @RequirePermission('organization:transfer')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async transfer(@Param('orgId') orgId: string, @Body() body: TransferOwnershipDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'TransferOwnership', data: { actorId: metadata.actor.id, toUserId: body.toUserId } }, metadata));
    return { id: body.toUserId, revision: result.version, position: result.position };
  }
}
