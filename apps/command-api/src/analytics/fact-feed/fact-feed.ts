import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { Principal } from '#domain';
import { factsAfter, learningAnalyticsProjection, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { DecimalNumber } from '../../shared/paging.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { CurrentPrincipal } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { Pseudonyms } from '../pseudonyms.js';
import { answerReport, ReportFormatField, type ReportFormat } from '../report-export.js';

export class FactFeedQueryDto extends ConsistentQueryDto {
  @ApiPropertyOptional({ default: '0', description: 'The cursor the last page answered (`next`); 0 for the start' })
  @IsOptional()
  @DecimalNumber()
  @IsInt({ message: 'after must be a cursor this feed gave (a whole number)' })
  @Min(0, { message: 'after must be 0 or more' })
  after: number = 0;

  @ApiPropertyOptional({ default: 500, minimum: 1, maximum: 5000 })
  @IsOptional()
  @DecimalNumber()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be 1 or more' })
  @Max(5000, { message: 'limit must be at most 5000' })
  limit: number = 500;

  @ReportFormatField()
  format: ReportFormat = 'json';
}

const COLUMNS = ['cursor', 'seq', 'type', 'at', 'date', 'learner', 'learners', 'activityIri', 'activityId', 'assignmentId', 'scaled', 'dueAt', 'statementId'] as const;

/**
 * The incremental fact feed (issue 19): completions, scores, assignments (given, extended
 * to joiners, cancelled) in log order, for a BI tool to load into its own warehouse.
 * Each page answers `next`, the cursor to ask after; asking again after the same cursor
 * gives the same facts, so a load that failed half-way resumes where it stood. Members
 * are pseudonymous for analysts who may not list them. The answer carries the cursor in
 * `X-Next-Cursor` too, so an NDJSON or CSV load can resume as well.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ReadsFrom(learningAnalyticsProjection)
@Controller('organizations/:orgId/analytics/facts')
export class FactFeedController {
  constructor(
    private readonly pseudonyms: Pseudonyms,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  @RequirePermission('analytics:read')
  @ApiOkResponse({ description: '{ facts, next, more }' })
  async feed(@Param('orgId') orgId: string, @Query() query: FactFeedQueryDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const show = this.pseudonyms.forCaller(principal, orgId);
    const { facts, more } = await factsAfter(this.readStore, orgId, query.after, query.limit);
    const rows = facts.map(({ _id: _i, organizationId: _o, userId, userIds, ...fact }) => ({
      ...fact,
      ...(typeof userId === 'string' ? { learner: show(userId) } : {}),
      ...(Array.isArray(userIds) ? { learners: (userIds as string[]).map(show) } : {}),
    }));
    const next = facts.length > 0 ? facts[facts.length - 1].cursor : query.after;
    reply.header('X-Next-Cursor', String(next));
    return answerReport(reply, query.format, { facts: rows, next: String(next), more }, () => ({ name: `facts-after-${query.after}`, columns: COLUMNS, rows }));
  }
}
