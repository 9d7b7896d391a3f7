import { Command } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import {
  organizationDecider,
  organizationStreamName,
  resourceVersionOf,
  type CommandMetadata,
  type OrganizationCommand,
  type OrganizationState,
} from '#domain';
import type { AggregateRepository, CommandResult } from '../shared/aggregate-repository.js';

/**
 * Base of every command on one organization's stream: which organization, the
 * domain command, the request's metadata and an optional If-Match revision.
 */
export abstract class OrganizationStreamCommand extends Command<CommandResult<OrganizationState>> {
  constructor(
    readonly organizationId: string,
    readonly metadata: CommandMetadata,
    readonly expectedRevision?: number,
  ) {
    super();
  }

  abstract toDomain(): OrganizationCommand;

  /** What identifies a retried request for Idempotency-Key purposes. */
  requestBody(): unknown {
    return this.toDomain();
  }
}

/** The one way organization commands reach their stream. */
export function handleOrganizationCommand(repository: AggregateRepository, command: OrganizationStreamCommand) {
  const domain = command.toDomain();
  return repository.handle({
    streamName: organizationStreamName(command.organizationId),
    decider: organizationDecider,
    command: domain,
    metadata: command.metadata,
    organizationId: command.organizationId,
    expectedRevision: command.expectedRevision,
    versionOf: resourceVersionOf(domain),
    requestBody: command.requestBody(),
  });
}

/** The body of every successful write: the resource's new version (also its ETag) and where the log is. */
export class WriteResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The resource\'s version after the write; the ETag header carries it too, for If-Match' }) revision!: number;
  @ApiProperty({ description: 'Log position of the write: pass it as minPosition (or X-Min-Position) to read your own write' }) position!: number;
}
