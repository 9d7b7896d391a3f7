import type { CommandBus } from '@nestjs/cqrs';
import { DomainError, type CommandMetadata, type ExistingOrganization, type HoldFor } from '#domain';
import { currentOrganization } from './current-organization.js';
import { withHolds } from './language-holds.js';
import type { StreamCache } from './stream-cache.js';
import { StreamCommand, type CommandResult, type StreamCommandOptions, type StreamOf } from './stream-command.js';

/** What a change to an organization's holding stream reads before it is decided. */
export interface OrganizationNow<S> {
  organization: ExistingOrganization;
  state: S;
}

/** How many times a change is tried again when the stream let go of a language between its read and its write. */
const ATTEMPTS = 3;

/**
 * Every write to a stream of an organization that holds languages (the dictionary, the
 * content library), as one process over the platform's language catalogue and that
 * stream (domain languages/language-holds.ts): hold, with fresh keys, the languages the
 * change may start to need; decide the change, which adopts the keys it needs; then let
 * go of the keys it did not adopt and of those its change let go. A change refused lets
 * go of everything it took.
 */
export class HoldingWrites<C, S> {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly streamOf: (organizationId: string) => StreamOf<C, S>,
    private readonly purpose: 'dictionary' | 'library',
  ) {}

  /** The organization (404 if none; 409 while it is being deleted) and the stream's state now. */
  async context(organizationId: string): Promise<OrganizationNow<S>> {
    const organization = await currentOrganization(this.streams, organizationId);
    if (organization.deletion) throw new DomainError('organization-deletion-pending', `This organization is being deleted; its ${this.purpose} cannot change`);
    const { state } = await this.streams.current(this.streamOf(organizationId));
    return { organization, state };
  }

  /**
   * `needs`: the holds the change may start to need, read on the stream as it is now.
   * `build`: the command, given the keys held for them.
   */
  async write(
    organizationId: string,
    needs: (now: OrganizationNow<S>) => { languageId: string; holdFor: HoldFor }[],
    build: (now: OrganizationNow<S>, holders: Record<string, string>) => C,
    metadata: CommandMetadata,
    options: StreamCommandOptions = {},
  ): Promise<CommandResult<S>> {
    for (let attempt = 1; ; attempt++) {
      const now = await this.context(organizationId);
      try {
        return await withHolds(this.commands, organizationId, this.purpose, needs(now), (holders) => this.commands.execute(new StreamCommand(this.streamOf(organizationId), build(now, holders), metadata, options)), metadata);
      } catch (error) {
        // The stream let go of a language between the read and the write: read again, hold again.
        if (error instanceof DomainError && error.code === 'concurrency-conflict' && attempt < ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /** A change that starts to use no language (a removal, a retirement, a cancellation): it may only let go. */
  change(organizationId: string, build: (now: OrganizationNow<S>) => C, metadata: CommandMetadata, options: StreamCommandOptions = {}): Promise<CommandResult<S>> {
    return this.write(organizationId, () => [], build, metadata, options);
  }
}
