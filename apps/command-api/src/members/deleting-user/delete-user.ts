import { Body, Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata, MembershipCommand } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { AggregateRepository } from '../../shared/aggregate-repository.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { handleOrganizationCommand, OrganizationStreamCommand } from '../../organizations/organization-command.js';
import { EmailReservations } from '../email-reservations.js';
import { ParseUserId } from '../user-id.js';
import { UserWriteResponse } from '../member.dto.js';

export class DeleteUser extends OrganizationStreamCommand {
  constructor(
    organizationId: string,
    readonly userId: string,
    metadata: CommandMetadata,
  ) {
    super(organizationId, metadata);
  }

  toDomain(): MembershipCommand {
    return { type: 'DeleteUser', data: { userId: this.userId } };
  }
}

/** Deletes a setup-pending user; their setup link stops working and their email is free again. */
@CommandHandler(DeleteUser)
export class DeleteUserHandler implements ICommandHandler<DeleteUser> {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly reservations: EmailReservations,
  ) {}

  async execute(command: DeleteUser) {
    const result = await handleOrganizationCommand(this.repository, command);
    const deleted = result.appended.find((e) => e.type === 'UserDeleted') as { data: { email: string } } | undefined;
    if (deleted) await this.reservations.releaseQuietly(deleted.data.email, command.userId, command.metadata);
    return result;
  }
}

@ApiTags('users')
@ApiBearerAuth()
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
