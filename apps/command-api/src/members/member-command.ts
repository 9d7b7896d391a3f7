import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata, MembershipCommand, OrganizationCommand } from '../../../../libs/domain/src/index.js';
import { AggregateRepository } from '../shared/aggregate-repository.js';
import { handleOrganizationCommand, OrganizationStreamCommand } from '../organizations/organization-command.js';

/**
 * A membership command that needs nothing beyond the organization's stream: editing,
 * deactivating and reactivating users, and the class commands. The rules are all in
 * the decider, so one thin handler serves them.
 */
export class MembershipStreamCommand extends OrganizationStreamCommand {
  constructor(
    organizationId: string,
    readonly command: MembershipCommand | Extract<OrganizationCommand, { type: 'SetSessionPolicy' }>,
    metadata: CommandMetadata,
    expectedRevision?: number,
  ) {
    super(organizationId, metadata, expectedRevision);
  }

  toDomain(): OrganizationCommand {
    return this.command;
  }
}

@CommandHandler(MembershipStreamCommand)
export class MembershipStreamCommandHandler implements ICommandHandler<MembershipStreamCommand> {
  constructor(private readonly repository: AggregateRepository) {}
  execute(command: MembershipStreamCommand) {
    return handleOrganizationCommand(this.repository, command);
  }
}
