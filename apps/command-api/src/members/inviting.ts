import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { checkInvitation, type CommandMetadata, type OrganizationState, type SetupTokenRecord } from '#domain';
import { EmailReservations } from '../shared/email-reservations.js';
import { organizationNotFound } from '../shared/problem.js';
import { StreamCache } from '../shared/write/stream-cache.js';
import { organizationStream, toOrganization, type CommandResult } from '../shared/write/stream-command.js';
import type { InviteUserDto } from './member.dto.js';

/*
 * The invitation process, shared by the single invitation, bulk invitations and member
 * imports: every way a member arrives goes through these rules.
 */
/** Inviting a user: a process over two streams (the address's reservation, then the organization). */
export class InviteUser extends Command<CommandResult<OrganizationState>> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
    readonly input: InviteUserDto,
    readonly setupToken: SetupTokenRecord,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/**
 * Reserves the email platform-wide, then appends the invitation to the organization,
 * and releases the address if that append fails. The setup mail is not sent here: the
 * mail reactor sends it from the event, so a failed append never sends mail and a
 * failed send never loses the invitation.
 */
@CommandHandler(InviteUser)
export class InvitingUser implements ICommandHandler<InviteUser> {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly reservations: EmailReservations,
  ) {}

  async execute({ organizationId, userId, input, setupToken, metadata }: InviteUser) {
    const { email, firstName, lastName, roles } = input;
    const command = { type: 'InviteUser' as const, data: { userId, email, firstName, lastName, roles, setupToken, actorId: metadata.actor.id } };
    const organization = await this.streams.current(organizationStream(organizationId));
    if (organization.state.status !== 'existing') throw organizationNotFound();
    // The organization's rules first (names, roles, email in the organization), so an
    // invalid request reserves nothing: a failed request writes no event at all. A
    // retried request was decided already: its reservation is its own.
    const retried = metadata.idempotencyKey !== undefined && organization.idempotency.has(metadata.idempotencyKey);
    if (!retried) checkInvitation(command.data, organization.state);
    // A retry carries a fresh token; the request is the same.
    const invite = toOrganization(organizationId, command, metadata, { requestBody: { ...input } });
    return this.reservations.holding(email, userId, organizationId, metadata, () => this.commands.execute(invite));
  }
}

