import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError, type CommandMetadata, type DictionaryCommand, type DictionaryState, type ExistingOrganization, type HoldFor } from '#domain';
import { currentOrganization } from '../shared/write/current-organization.js';
import { withHolds } from '../shared/write/language-holds.js';
import { StreamCache } from '../shared/write/stream-cache.js';
import { dictionaryStream, toDictionary, type CommandResult, type StreamCommandOptions } from '../shared/write/stream-command.js';

/** What a dictionary change needs to know before it is decided. */
export interface DictionaryContextNow {
  organization: ExistingOrganization;
  dictionary: DictionaryState;
}

/** How many times a change is tried again when the dictionary let go of a language between its read and its write. */
const ATTEMPTS = 3;

/**
 * Every write to a dictionary, as one process over the platform's language catalogue and
 * the dictionary's stream (dictionary.ts explains the holds): hold, with fresh keys, the
 * languages the change may start to need; decide the change on the dictionary, which
 * adopts the keys it needs; then let go of the keys it did not adopt and of those its
 * change let go. A change refused lets go of everything it took.
 */
@Injectable()
export class DictionaryWrites {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
  ) {}

  /** The organization (404 if none; 409 while it is being deleted) and its dictionary now. */
  async context(organizationId: string): Promise<DictionaryContextNow> {
    const organization = await currentOrganization(this.streams, organizationId);
    if (organization.deletion) throw new DomainError('organization-deletion-pending', 'This organization is being deleted; its dictionary cannot change');
    const { state } = await this.streams.current(dictionaryStream(organizationId));
    return { organization, dictionary: state };
  }

  /**
   * `needs`: the holds the change may start to need, read on the dictionary as it is now.
   * `build`: the command, given the keys held for them.
   */
  async write(
    organizationId: string,
    needs: (now: DictionaryContextNow) => { languageId: string; holdFor: HoldFor }[],
    build: (now: DictionaryContextNow, holders: Record<string, string>) => DictionaryCommand,
    metadata: CommandMetadata,
    options: StreamCommandOptions = {},
  ): Promise<CommandResult<DictionaryState>> {
    for (let attempt = 1; ; attempt++) {
      const now = await this.context(organizationId);
      try {
        return await withHolds(this.commands, organizationId, 'dictionary', needs(now), (holders) => this.commands.execute(toDictionary(organizationId, build(now, holders), metadata, options)), metadata);
      } catch (error) {
        // The dictionary let go of a language between the read and the write: read again, hold again.
        if (error instanceof DomainError && error.code === 'concurrency-conflict' && attempt < ATTEMPTS) continue;
        throw error;
      }
    }
  }
}
