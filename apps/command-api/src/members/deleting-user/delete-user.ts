import { Body, Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata, OrganizationState } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { EmailReservations } from '../../shared/email-reservations.js';
import { toOrganization, type CommandResult } from '../../shared/write/stream-command.js';
import { ParseUserId } from '../user-id.js';
import { UserWriteResponse } from '../member.dto.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { membersProjection } from '#read-models';

/** Deleting a setup-pending user: the organization's event, then the address released. */
export class DeleteUser extends Command<CommandResult<OrganizationState>> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** Deletes a setup-pending user; their setup link stops working and their email is free again. */
@CommandHandler(DeleteUser)
export class DeletingUser implements ICommandHandler<DeleteUser> {
  constructor(
    private readonly commands: CommandBus,
    private readonly reservations: EmailReservations,
  ) {}

  async execute({ organizationId, userId, metadata }: DeleteUser) {
    const result = await this.commands.execute(toOrganization(organizationId, { type: 'DeleteUser', data: { userId, actorId: metadata.actor.id } }, metadata));
    const deleted = result.appended.find((e) => e.type === 'UserDeleted') as { data: { email: string } } | undefined;
    if (deleted) await this.reservations.releaseQuietly(deleted.data.email, userId, metadata);
    return result;
  }
}

@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId/users/:userId')
export class DeleteUserController {
  constructor(private readonly commands: CommandBus) {}

  /** Only for users whose setup is pending; others answer 409 only-setup-pending-users-can-be-deleted. */
  @Delete()
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: UserWriteResponse })
  async remove(
    @Param('orgId') orgId: string,
    @Param('userId', ParseUserId) userId: string,
    @Body(NoBody) _body: undefined,
    @Meta() metadata: CommandMetadata,
  ): Promise<UserWriteResponse> {
    const result = await this.commands.execute(new DeleteUser(orgId, userId, metadata));
    return { id: userId, revision: result.version, position: result.position };
  }
}
