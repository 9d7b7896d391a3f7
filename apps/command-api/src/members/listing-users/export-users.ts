import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { accessStreamName, dataAccessDecider, type CommandMetadata } from '../../../../../libs/domain/src/index.js';
import { listMembers } from '../../../../../libs/read-models/src/queries/members.queries.js';
import type { ReadStore } from '../../../../../libs/read-models/src/read-store.port.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { AggregateRepository } from '../../shared/aggregate-repository.js';
import { ConsistentQueryDto } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';

/** One CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('organizations/:orgId/users')
export class ExportUsersController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly repository: AggregateRepository,
  ) {}

  /**
   * The member list as CSV (all members, deactivated included). The export itself is
   * recorded as a DataAccessed event naming who exported, before the data leaves.
   */
  @Get('export.csv')
  @RequirePermission('user:list')
  @ApiProduces('text/csv')
  async export(@Param('orgId') orgId: string, @Query() _query: ConsistentQueryDto, @Meta() metadata: CommandMetadata, @Res({ passthrough: true }) response: Response): Promise<string> {
    const rows: string[] = ['id,email,firstName,lastName,roles,status'];
    let total = 0;
    for (let page = 1; ; page++) {
      const result = await listMembers(this.readStore, orgId, { showDeactivated: true, page, pageSize: 100 });
      total = result.total;
      for (const m of result.items) rows.push([m.id, m.email, m.firstName, m.lastName, m.roles.join(' '), m.status].map(csvCell).join(','));
      if (page * 100 >= result.total) break;
    }
    await this.repository.handle({
      streamName: accessStreamName(orgId),
      decider: dataAccessDecider,
      command: { type: 'RecordDataAccess', data: { organizationId: orgId, what: 'member-list-export', detail: { rows: total } } },
      metadata,
      organizationId: orgId,
    });
    response.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="members-${orgId}.csv"`, 'Cache-Control': 'no-store' });
    return `${rows.join('\r\n')}\r\n`;
  }
}
