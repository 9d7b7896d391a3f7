import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { normalizeEmail, type CommandMetadata, type MembershipCommand } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { AggregateRepository } from '../../shared/aggregate-repository.js';
import { Meta } from '../../shared/request-context.js';
import { handleOrganizationCommand, OrganizationStreamCommand } from '../../organizations/organization-command.js';
import { EmailReservations } from '../email-reservations.js';
import { ResendInvitationDto, UserWriteResponse } from '../member.dto.js';
import { SetupTokens } from '../setup-tokens.js';
import { ParseUserId } from '../user-id.js';

export class ResendInvitation extends OrganizationStreamCommand {
  constructor(
    organizationId: string,
    readonly userId: string,
    readonly email: string | undefined,
    readonly setupToken: { hash: string; ciphertext: string; expiresAt: string },
    metadata: CommandMetadata,
  ) {
    super(organizationId, metadata);
  }

  toDomain(): MembershipCommand {
    return { type: 'ResendInvitation', data: { userId: this.userId, ...(this.email ? { email: this.email } : {}), setupToken: this.setupToken } };
  }

  override requestBody(): unknown {
    return { userId: this.userId, email: this.email };
  }
}

/** A corrected email is reserved before the resend and the old one released after it. */
@CommandHandler(ResendInvitation)
export class ResendInvitationHandler implements ICommandHandler<ResendInvitation> {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly reservations: EmailReservations,
  ) {}

  async execute(command: ResendInvitation) {
    const { email, userId, organizationId, metadata } = command;
    if (email) await this.reservations.reserve(email, userId, organizationId, metadata);
    let result;
    try {
      result = await handleOrganizationCommand(this.repository, command);
    } catch (error) {
      if (email) await this.reservations.releaseQuietly(email, userId, metadata);
      throw error;
    }
    const resent = result.appended.find((e) => e.type === 'UserInvitationResent') as { data: { previousEmail: string | null; email: string } } | undefined;
    const previous = resent?.data.previousEmail;
    if (previous && normalizeEmail(previous) !== normalizeEmail(resent.data.email)) await this.reservations.releaseQuietly(previous, userId, metadata);
    return result;
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('organizations/:orgId/users/:userId/invitation')
export class ResendInvitationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly tokens: SetupTokens,
  ) {}

  /** Sends the setup email again with a new link (the old one stops working); may correct the email while setup is pending. */
  @Post()
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: UserWriteResponse })
  async resend(
    @Param('orgId') orgId: string,
    @Param('userId', ParseUserId) userId: string,
    @Body() body: ResendInvitationDto,
    @Meta() metadata: CommandMetadata,
  ): Promise<UserWriteResponse> {
    const result = await this.commands.execute(new ResendInvitation(orgId, userId, body.email, this.tokens.issue(metadata.now), metadata));
    return { id: userId, revision: result.version, position: result.position };
  }
}
