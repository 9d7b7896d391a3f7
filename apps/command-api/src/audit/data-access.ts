import { Injectable } from '@nestjs/common';
import { accessStreamName, dataAccessDecider, PLATFORM_ID, type CommandMetadata, type DataAccessed } from '#domain';
import { AggregateRepository } from '../shared/aggregate-repository.js';

/**
 * Records that someone read sensitive data (multi-tenant guide, Audit Logging: "data
 * accessed"), before the data leaves. Each organization's records go to its own
 * `access-<id>` stream, so reading never moves the organization's revision; a
 * platform-wide read goes to the platform's.
 */
@Injectable()
export class DataAccessLog {
  constructor(private readonly repository: AggregateRepository) {}

  async record(organizationId: string | null, what: DataAccessed['data']['what'], detail: Record<string, unknown>, metadata: CommandMetadata): Promise<void> {
    await this.repository.handle({
      streamName: accessStreamName(organizationId ?? PLATFORM_ID),
      decider: dataAccessDecider,
      command: { type: 'RecordDataAccess', data: { organizationId: organizationId ?? PLATFORM_ID, what, detail } },
      metadata,
      organizationId,
    });
  }
}
