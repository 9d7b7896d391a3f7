import { membersProjection } from '#read-models';
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandMetadata } from '#domain';
import { listMembers } from '#read-models';
import type { ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { csvRow } from '../../shared/csv.js';
import { DataAccessLog } from '../../audit/data-access.js';


@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId/users')
export class ExportUsersController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly access: DataAccessLog,
  ) {}

  /**
   * The member list as CSV (all members, deactivated included). The export itself is
   * recorded as a DataAccessed event naming who exported, before the data leaves.
   */
  @Get('export.csv')
  @RequirePermission('user:export')
  @ApiProduces('text/csv')
  async export(@Param('orgId') orgId: string, @Query() _query: ConsistentQueryDto, @Meta() metadata: CommandMetadata, @Res({ passthrough: true }) response: FastifyReply): Promise<string> {
    const rows: string[] = [csvRow(['id', 'email', 'firstName', 'lastName', 'roles', 'status'])];
    let total = 0;
    for (let page = 1; ; page++) {
      const result = await listMembers(this.readStore, orgId, { showDeactivated: true, page, pageSize: 100 });
      total = result.total;
      for (const m of result.items) rows.push(csvRow([m.id, m.email, m.firstName, m.lastName, m.roles.join(' '), m.status]));
      if (page * 100 >= result.total) break;
    }
    await this.access.record(orgId, 'member-list-export', { rows: total }, metadata);
    void response.headers({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="members-${orgId}.csv"`, 'Cache-Control': 'no-store' });
    return rows.join('');
  }
}
