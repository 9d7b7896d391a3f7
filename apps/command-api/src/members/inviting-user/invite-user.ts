import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { organizationDecider, organizationStreamName, type CommandMetadata, type MembershipCommand } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { AggregateRepository } from '../../shared/aggregate-repository.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { organizationNotFound } from '../../shared/problem.js';
import { Meta } from '../../shared/request-context.js';
import { handleOrganizationCommand, OrganizationStreamCommand } from '../../organizations/organization-command.js';
import { EmailReservations } from '../email-reservations.js';
import { InviteUserDto, UserWriteResponse } from '../member.dto.js';
import { SetupTokens } from '../setup-tokens.js';

export class InviteUser extends OrganizationStreamCommand {
  constructor(
    organizationId: string,
    readonly userId: string,
    readonly input: InviteUserDto,
    readonly setupToken: { hash: string; ciphertext: string; expiresAt: string },
    metadata: CommandMetadata,
  ) {
    super(organizationId, metadata);
  }

  toDomain(): MembershipCommand {
    const { email, firstName, lastName, roles } = this.input;
    return { type: 'InviteUser', data: { userId: this.userId, email, firstName, lastName, roles, setupToken: this.setupToken } };
  }

  override requestBody(): unknown {
    // A retry carries a fresh token; the request is the same.
    return { ...this.input };
  }
}

/**
 * Reserves the email platform-wide, then appends the invitation to the organization.
 * The setup mail is not sent here: the mail reactor sends it from the event, so a
 * failed append never sends mail and a failed send never loses the invitation.
 */
@CommandHandler(InviteUser)
export class InviteUserHandler implements ICommandHandler<InviteUser> {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly reservations: EmailReservations,
  ) {}

  async execute(command: InviteUser) {
    const organization = await this.repository.load(organizationStreamName(command.organizationId), organizationDecider);
    if (organization.state.status !== 'existing') throw organizationNotFound();
    const retried = command.metadata.idempotencyKey !== undefined && organization.idempotency.has(command.metadata.idempotencyKey);
    // The organization's rules first (names, roles, email in the organization), so an
    // invalid request reserves nothing: a failed request writes no event at all.
    if (!retried) organizationDecider.decide(command.toDomain(), organization.state);
    return this.reservations.holding(command.input.email, command.userId, command.organizationId, command.metadata, () => handleOrganizationCommand(this.repository, command));
  }
}

@ApiTags('users')
@ApiBearerAuth()
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
