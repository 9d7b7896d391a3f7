import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { isLearner, type Principal } from '#domain';
import { contentProjection, learningAnalyticsProjection, membersProgress, type MemberProgress, type PageSize, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { PageField, PageSizeField } from '../../shared/paging.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { CurrentPrincipal } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { Pseudonyms } from '../pseudonyms.js';
import { answerReport, ReportFormatField, type ReportFormat } from '../report-export.js';

export class ProgressReportQueryDto extends ConsistentQueryDto {
  @PageField()
  page: number = 1;

  @PageSizeField()
  pageSize: PageSize = 25;

  @ReportFormatField('json (a page), or an export of every learner: csv (formula-safe) or ndjson')
  format: ReportFormat = 'json';
}

type Row = Partial<Pick<MemberProgress, 'userId'>> & Omit<MemberProgress, 'userId'> & { learnerKey?: string; firstName?: string; lastName?: string; email?: string };

const FIGURES = ['completionRate', 'assignedActivities', 'completedAssigned', 'completedActivities', 'statements', 'timeSpentSeconds', 'averageScaledScore', 'lastActivityAt'] as const;

/**
 * Every learner's progress (issue 19), for admins and analysts: a page, or the whole
 * organization as an export. Whoever may list members sees each as themselves (id, name,
 * email); an analyst who may not sees a stable pseudonym instead, and no name or email.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ReadsFrom(learningAnalyticsProjection, contentProjection)
@Controller('organizations/:orgId/analytics/progress')
export class ProgressReportController {
  constructor(
    private readonly streams: StreamCache,
    private readonly pseudonyms: Pseudonyms,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  @RequirePermission('analytics:read')
  @ApiOkResponse({ description: 'A page of learners with their progress, or every learner as CSV or NDJSON' })
  async report(@Param('orgId') orgId: string, @Query() query: ProgressReportQueryDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const organization = await currentOrganization(this.streams, orgId);
    const named = this.pseudonyms.seesMembers(principal, orgId);
    const learners = [...organization.members.values()].filter((m) => m.status !== 'setupPending' && isLearner(m));
    const keyed = learners.map((m) => ({ member: m, key: named ? `${m.lastName}\u0000${m.firstName}\u0000${m.id}`.toLowerCase() : this.pseudonyms.of(orgId, m.id) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const chosen = query.format === 'json' ? keyed.slice((query.page - 1) * query.pageSize, query.page * query.pageSize) : keyed;
    const progress = await membersProgress(this.readStore, orgId, chosen.map((k) => k.member.id));
    const rows: Row[] = chosen.map(({ member }, i) => {
      const { userId, ...figures } = progress[i];
      return named ? { userId, firstName: member.firstName, lastName: member.lastName, email: member.email, ...figures } : { learnerKey: this.pseudonyms.of(orgId, userId), ...figures };
    });
    const page = { items: rows, total: keyed.length, page: query.page, pageSize: query.pageSize };
    return answerReport(reply, query.format, page, () => ({
      name: 'progress',
      columns: [...(named ? ['userId', 'firstName', 'lastName', 'email'] : ['learnerKey']), ...FIGURES],
      rows: rows as Record<string, unknown>[],
    }));
  }
}
