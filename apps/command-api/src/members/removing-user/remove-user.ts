import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, IsUUID } from 'class-validator';
import { DATA_HANDLING, type CommandMetadata, type DataHandling } from '#domain';
import { accountsProjection, membersProjection, statementsProjection } from '#read-models';
import { SessionsService } from '../../auth/sessions.service.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { EmailReservations } from '../../shared/email-reservations.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { EraseUser } from '../erasing.js';
import { ParseUserId } from '../user-id.js';

export class RemoveUserDto {
  @ApiProperty({ enum: DATA_HANDLING, description: 'keep: records stay, attributed to a former member; transfer: classes and leadership move to transferTo; erase: their personal data is erased' })
  @IsDefined({ message: 'dataHandling is required' })
  @IsIn(DATA_HANDLING as unknown as string[], { message: `dataHandling must be one of ${DATA_HANDLING.join(', ')}` })
  dataHandling!: DataHandling;

  @ApiPropertyOptional({ description: 'With transfer: who takes over their classes and the departments and teams they lead' })
  @IsOptional()
  @IsUUID('all', { message: 'transferTo must be a user id' })
  transferTo?: string;
}

export class RemovalResponse {
  @ApiProperty() id!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
  @ApiProperty({ enum: DATA_HANDLING }) dataHandling!: DataHandling;
  @ApiProperty({ type: String, nullable: true }) transferredTo!: string | null;
  @ApiProperty() erased!: boolean;
}

export class RemoveUser extends Command<RemovalResponse> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
    readonly body: RemoveUserDto,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/**
 * Removing a member (issue 20; domain: members/removing-user.ts): the removal and what
 * moves with it in one append, then what lives outside the organization's stream: their
 * sessions end, their address is free, and with `erase` their personal data is erased
 * (after the removal, which deactivates them first).
 */
@CommandHandler(RemoveUser)
export class RemovingUser implements ICommandHandler<RemoveUser> {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly reservations: EmailReservations,
    private readonly sessions: SessionsService,
  ) {}

  async execute({ organizationId, userId, body, metadata }: RemoveUser): Promise<RemovalResponse> {
    const email = (await currentOrganization(this.streams, organizationId)).members.get(userId)?.email;
    const command = { type: 'RemoveUser' as const, data: { userId, actorId: metadata.actor.id, dataHandling: body.dataHandling, ...(body.transferTo ? { transferTo: body.transferTo } : {}) } };
    let result = await this.commands.execute(toOrganization(organizationId, command, metadata));
    const removed = result.appended.find((e) => e.type === 'UserRemoved') as { data: { transferredTo: string | null } } | undefined;
    await this.sessions.markEnded(userId, 'deactivated');
    if (email) await this.reservations.releaseQuietly(email, userId, metadata);
    let erased = false;
    if (body.dataHandling === 'erase') {
      const erasure = await this.commands.execute(new EraseUser(organizationId, userId, metadata));
      result = { ...result, version: erasure.revision, position: erasure.position };
      erased = true;
    }
    return { id: userId, revision: result.version, position: result.position, dataHandling: body.dataHandling, transferredTo: removed?.data.transferredTo ?? null, erased };
  }
}

@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection, accountsProjection, statementsProjection)
@Controller('organizations/:orgId/users/:userId')
export class RemoveUserController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Ends a membership, choosing what happens to the member's data: keep, transfer
   * (their classes and leadership move to `transferTo`) or erase. A member who teaches
   * active classes is removed with transfer only; one whose setup is pending is deleted instead.
   */
  @Post('remove')
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: RemovalResponse })
  remove(@Param('orgId') orgId: string, @Param('userId', ParseUserId) userId: string, @Body() body: RemoveUserDto, @Meta() metadata: CommandMetadata): Promise<RemovalResponse> {
    return this.commands.execute(new RemoveUser(orgId, userId, body, metadata));
  }
}
