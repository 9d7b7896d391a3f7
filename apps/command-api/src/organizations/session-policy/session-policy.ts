import { Body, Controller, Headers, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsInt } from 'class-validator';
import { SESSION_POLICY_BOUNDS, type CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { parseIfMatch } from '../../shared/etag.js';
import { Meta } from '../../shared/request-context.js';
import { WriteResponse } from '../../shared/write-response.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';

export class SessionPolicyDto {
  @ApiProperty({ minimum: SESSION_POLICY_BOUNDS.idleMin, maximum: SESSION_POLICY_BOUNDS.idleMax, example: 60, description: 'Minutes without a request after which a session ends' })
  @IsDefined({ message: 'idleTimeoutMinutes is required' })
  @IsInt({ message: 'idleTimeoutMinutes must be a whole number' })
  idleTimeoutMinutes!: number;

  @ApiProperty({ minimum: SESSION_POLICY_BOUNDS.absoluteMin, maximum: SESSION_POLICY_BOUNDS.absoluteMax, example: 12, description: 'Hours after sign-in at which a session ends' })
  @IsDefined({ message: 'absoluteTimeoutHours is required' })
  @IsInt({ message: 'absoluteTimeoutHours must be a whole number' })
  absoluteTimeoutHours!: number;
}

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/session-policy')
export class SessionPolicyController {
  constructor(private readonly commands: CommandBus) {}

  /** Sets how long members' sessions last; applies to sessions already open, at their next request. */
  @Put()
  @RequirePermission('organization:edit')
  @ApiOkResponse({ type: WriteResponse })
  async set(@Param('orgId') orgId: string, @Body() body: SessionPolicyDto, @Meta() metadata: CommandMetadata, @Headers('if-match') ifMatch?: string): Promise<WriteResponse> {
    const result = await this.commands.execute(
      toOrganization(orgId, { type: 'SetSessionPolicy', data: { idleTimeoutMinutes: body.idleTimeoutMinutes, absoluteTimeoutHours: body.absoluteTimeoutHours } }, metadata, { expectedRevision: parseIfMatch(ifMatch) }),
    );
    return { id: orgId, revision: result.version, position: result.position };
  }
}
