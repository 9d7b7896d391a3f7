import { Injectable } from '@nestjs/common';
import { PLATFORM_ID, type CommandMetadata, type DataAccessed } from '#domain';
import { CommandBus } from '@nestjs/cqrs';
import { toDataAccessLog } from '../shared/write/stream-command.js';

/**
 * Records that someone read sensitive data (multi-tenant guide, Audit Logging: "data
 * accessed"), before the data leaves. Each organization's records go to its own
 * `access-<id>` stream, so reading never moves the organization's revision; a
 * platform-wide read goes to the platform's.
 */
@Injectable()
export class DataAccessLog {
  constructor(private readonly commands: CommandBus) {}

  async record(organizationId: string | null, what: DataAccessed['data']['what'], detail: Record<string, unknown>, metadata: CommandMetadata): Promise<void> {
    await this.commands.execute(toDataAccessLog(organizationId, { type: 'RecordDataAccess', data: { organizationId: organizationId ?? PLATFORM_ID, what, detail } }, metadata));
  }
}
