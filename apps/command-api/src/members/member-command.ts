import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata, MembershipCommand, OrganizationCommand, SsoCommand } from '#domain';
import { AggregateRepository } from '../shared/aggregate-repository.js';
import { handleOrganizationCommand, OrganizationStreamCommand } from '../organizations/organization-command.js';

/**
 * A command that needs nothing beyond the organization's stream: editing, deactivating
 * and reactivating users, the class commands, and adding, editing or removing SSO providers. The rules are all in
 * the decider, so one thin handler serves them.
 */
export class MembershipStreamCommand extends OrganizationStreamCommand {
  constructor(
    organizationId: string,
    readonly command: MembershipCommand | SsoCommand | Extract<OrganizationCommand, { type: 'SetSessionPolicy' }>,
    metadata: CommandMetadata,
    expectedRevision?: number,
  ) {
    super(organizationId, metadata, expectedRevision);
  }

  toDomain(): OrganizationCommand {
    return this.command;
  }

  override requestBody(): unknown {
    // A sealed secret differs on every retry (a fresh IV); whether one was sent is what identifies the request.
    const data = this.command.data as { clientSecretCiphertext?: string | null };
    if (data.clientSecretCiphertext === undefined) return this.command;
    return { ...this.command, data: { ...data, clientSecretCiphertext: data.clientSecretCiphertext !== null } };
  }
}

@CommandHandler(MembershipStreamCommand)
export class MembershipStreamCommandHandler implements ICommandHandler<MembershipStreamCommand> {
  constructor(private readonly repository: AggregateRepository) {}
  execute(command: MembershipStreamCommand) {
    return handleOrganizationCommand(this.repository, command);
  }
}
