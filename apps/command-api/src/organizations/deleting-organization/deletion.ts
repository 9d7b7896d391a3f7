import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsString, MaxLength } from 'class-validator';
import type { CommandMetadata, OrganizationState } from '#domain';
import { SessionsService } from '../../auth/sessions.service.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';

export class RequestDeletionDto {
  @ApiProperty({ description: "The organization's name, exactly as it is written: the confirmation that this is the organization meant", example: 'Lakeshore School District' })
  @IsDefined({ message: 'confirmName is required' })
  @IsString({ message: 'confirmName must be a string' })
  @MaxLength(1_000)
  confirmName!: string;
}

class PendingDeletion {
  @ApiProperty({ format: 'date-time' })
  requestedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When the purge is due: the first midnight in the organization time zone 30 days after the request; restorable until then' })
  purgeAt!: string;
}

class DeletionResponse extends WriteResponse {
  @ApiProperty({ type: PendingDeletion, nullable: true, description: 'Null once restored' })
  deletion!: PendingDeletion | null;
}

const deletionOf = (state: OrganizationState) => (state.status === 'existing' ? state.deletion : null);

/**
 * Deleting an organization (issue 16): its owners or a super admin ask; it is suspended
 * at once and a super admin can restore it for 30 days; then the purge job
 * (purge-organizations.job.ts) removes it from every read model and frees its members'
 * emails and its slugs. The events remain.
 */
@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/deletion')
export class DeletionController {
  constructor(
    private readonly commands: CommandBus,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * Asks for the deletion, naming the organization exactly (`confirmName`). Every
   * member's session ends at once and sign-in is refused (401 organization-being-deleted);
   * every other change is refused (409 organization-deletion-pending) until a super
   * admin restores it. The purge is due at the first midnight in the organization's time
   * zone 30 days on. Asking again changes nothing.
   */
  @Post()
  @RequirePermission('organization:delete')
  @HttpCode(200)
  @ApiOkResponse({ type: DeletionResponse })
  async request(@Param('orgId') orgId: string, @Body() body: RequestDeletionDto, @Meta() metadata: CommandMetadata): Promise<DeletionResponse> {
    const command = { type: 'RequestOrganizationDeletion' as const, data: { actorId: metadata.actor.id, confirmName: body.confirmName, now: metadata.now } };
    const result = await this.commands.execute(toOrganization(orgId, command, metadata, { requestBody: { ...body } }));
    // Members lose access at once, on every replica, without waiting for any projector.
    await this.sessions.markOrganizationEnded(orgId, 'being-deleted');
    return { id: orgId, revision: result.version, position: result.position, deletion: deletionOf(result.state) };
  }

  /** Restores an organization being deleted (super admins, before the purge is due): members may sign in again. */
  @Delete()
  @RequirePermission('organization:restore')
  @HttpCode(200)
  @ApiOkResponse({ type: DeletionResponse })
  async restore(@Param('orgId') orgId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<DeletionResponse> {
    const command = { type: 'RestoreOrganization' as const, data: { actorId: metadata.actor.id, now: metadata.now } };
    const result = await this.commands.execute(toOrganization(orgId, command, metadata, { requestBody: { type: command.type } }));
    return { id: orgId, revision: result.version, position: result.position, deletion: deletionOf(result.state) };
  }
}
