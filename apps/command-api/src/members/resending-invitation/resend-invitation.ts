import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { normalizeEmail, type CommandMetadata, type OrganizationState, type SetupTokenRecord } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { Meta } from '../../shared/request-context.js';
import { EmailReservations } from '../../shared/email-reservations.js';
import { toOrganization, type CommandResult } from '../../shared/write/stream-command.js';
import { ResendInvitationDto, UserWriteResponse } from '../member.dto.js';
import { SetupTokens } from '../setup-tokens.js';
import { ParseUserId } from '../user-id.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { membersProjection } from '#read-models';

/** Sending a new invitation, perhaps to a corrected address: a process over the reservation streams and the organization. */
export class ResendInvitation extends Command<CommandResult<OrganizationState>> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
    readonly email: string | undefined,
    readonly setupToken: SetupTokenRecord,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** A corrected email is reserved before the resend and the old one released after it. */
@CommandHandler(ResendInvitation)
export class ResendingInvitation implements ICommandHandler<ResendInvitation> {
  constructor(
    private readonly commands: CommandBus,
    private readonly reservations: EmailReservations,
  ) {}

  async execute({ organizationId, userId, email, setupToken, metadata }: ResendInvitation) {
    const command = { type: 'ResendInvitation' as const, data: { userId, ...(email ? { email } : {}), setupToken } };
    // A retry carries a fresh token; the request is the same.
    const resend = toOrganization(organizationId, command, metadata, { requestBody: { userId, email } });
    if (email) await this.reservations.reserve(email, userId, organizationId, metadata);
    let result;
    try {
      result = await this.commands.execute(resend);
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
@ReadsFrom(membersProjection)
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
