import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IsIn, IsOptional } from 'class-validator';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { localDateOf } from '#domain';
import { contentProjection, learningAnalyticsProjection, organizationDashboard, type Dashboard, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { reportDate, ReportQueryDto } from '../report-query.js';
import { answerReport, type ReportTable } from '../report-export.js';

const SECTIONS = ['figures', 'engagement', 'topContent'] as const;

export class DashboardQueryDto extends ReportQueryDto {
  @ApiPropertyOptional({ enum: SECTIONS, default: 'figures', description: 'For an export: which table (the figures with their changes, daily active learners over 90 days, or the top content)' })
  @IsOptional()
  @IsIn(SECTIONS as unknown as string[], { message: `section must be one of ${SECTIONS.join(', ')}` })
  section: (typeof SECTIONS)[number] = 'figures';
}

/** The dashboard as a table, one section at a time. */
function dashboardTable(d: Dashboard, section: DashboardQueryDto['section']): ReportTable {
  const period = d.period.key;
  if (section === 'engagement') return { name: `dashboard-engagement-${period}`, columns: ['date', 'activeLearners'], rows: d.engagement.last90Days };
  if (section === 'topContent') return { name: `dashboard-top-content-${period}`, columns: ['period', 'activityIri', 'activityId', 'title', 'completions'], rows: d.topContent.map((c) => ({ period, ...c })) };
  const rows: Record<string, unknown>[] = (Object.keys(d.changes) as (keyof Dashboard['changes'])[]).map((figure) => ({ period, previousPeriod: d.previousPeriod.key, figure, value: d.figures[figure], ...d.changes[figure] }));
  rows.push({ period, previousPeriod: d.previousPeriod.key, figure: 'assignmentsDue', value: d.figures.assignmentsDue });
  rows.push({ period, previousPeriod: d.previousPeriod.key, figure: 'assignmentsDueNext7Days', value: d.assignmentsDueNext7Days });
  return { name: `dashboard-${period}`, columns: ['period', 'previousPeriod', 'figure', 'value', 'previous', 'direction', 'percent'], rows };
}
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
  async dashboard(@Param('orgId') orgId: string, @Query() query: DashboardQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Dashboard | string> {
    const organization = await currentOrganization(this.streams, orgId);
    const now = new Date();
    const today = localDateOf(now.getTime(), organization.timeZone);
    const dashboard = await organizationDashboard(this.readStore, organization, { kind: query.period, date: reportDate(query, organization.timeZone, now.getTime()), today, now });
    return answerReport(reply, query.format, dashboard, () => dashboardTable(dashboard, query.section));
  }
}
