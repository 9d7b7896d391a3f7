import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { addDays, localDateOf } from '#domain';
import { contentProjection, learningAnalyticsProjection, organizationDashboard, type Dashboard, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { DashboardQueryDto } from '../report-query.js';
import { READ_STORE } from '../../shared/tokens.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCache } from '../../shared/write/stream-cache.js';

/**
 * The organization dashboard (both guides; issue 19): active learners, the average
 * completion rate of the assignments due, statements, completions and time spent in a
 * day, week or month of the organization's time zone, each with its change against the
 * period before; the assignments due in the next seven days; daily active learners over
 * 30 and 90 days; the top content. Read from the analytics read model only.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ReadsFrom(learningAnalyticsProjection, contentProjection)
@Controller('organizations/:orgId/analytics/dashboard')
export class DashboardController {
  constructor(
    private readonly streams: StreamCache,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  @RequirePermission('analytics:read')
  @ApiOkResponse({ description: 'The figures of the period, their changes, the trend and the top content' })
  async dashboard(@Param('orgId') orgId: string, @Query() query: DashboardQueryDto): Promise<Dashboard> {
    const organization = await currentOrganization(this.streams, orgId);
    const now = new Date();
    const today = localDateOf(now.getTime(), organization.timeZone);
    return organizationDashboard(this.readStore, organization, { kind: query.period, date: query.date ?? addDays(today, -1), today, now });
  }
}
