import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { benchmarkPosition, DomainError, periodContaining, previousPeriod, quartilesOf, subtreeIds, type ExistingOrganization, type Period, type Quartiles } from '#domain';
import { learnerPeriodDocs, learningAnalyticsProjection, unitFigures, unitFiguresByPeriod, type ReadStore, type UnitFigures } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { READ_STORE } from '../../shared/tokens.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { reportDate, ReportQueryDto } from '../report-query.js';
import { answerReport } from '../report-export.js';

const FIGURE_COLUMNS = ['members', 'activeLearners', 'statements', 'completions', 'timeSpentSeconds', 'completionsPerMember'] as const;

export class WeeklyQueryDto extends ReportQueryDto {
  @ApiPropertyOptional({ default: 12, minimum: 1, maximum: 53, description: 'How many weeks, the last being the one of `date`' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'weeks must be a whole number' })
  @Min(1, { message: 'weeks must be 1 or more' })
  @Max(53, { message: 'weeks must be at most 53' })
  weeks: number = 12;
}

const ParseTeamId = new ParseUUIDPipe({ exceptionFactory: () => new DomainError('team-not-found', 'No such team in this organization') });

interface TeamRow {
  teamId: string;
  name: string;
  departmentId: string | null;
  figures: UnitFigures;
  benchmark: { position: ReturnType<typeof benchmarkPosition> } | null;
}

interface DepartmentRow {
  departmentId: string;
  name: string;
  parentId: string | null;
  /** Its members: of its teams and the teams of every department below it, each counted once. */
  figures: UnitFigures;
}

/** The members of a set of teams, each once. */
const membersOf = (organization: ExistingOrganization, teamIds: Iterable<string>): string[] => [...new Set([...teamIds].flatMap((id) => organization.teams.get(id)?.memberIds ?? []))];

/** The period a report is about: by default the one of yesterday, the last closed day. */
function periodOf(organization: ExistingOrganization, query: ReportQueryDto): Period {
  return periodContaining(query.period, reportDate(query, organization.timeZone, Date.now()));
}

/**
 * Team reports (multi-tenant guide, "Reporting & Analytics"; issue 19): each team's
 * figures in a period with where it stands against the organization's teams (median and
 * quartiles of completions per member), departments rolled up through their
 * sub-departments, and one team's weekly series. Membership is read on the organization's
 * stream (as it is now); the figures from the analytics read model.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ReadsFrom(learningAnalyticsProjection)
@Controller('organizations/:orgId/analytics')
export class TeamReportsController {
  constructor(
    private readonly streams: StreamCache,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get('teams')
  @RequirePermission('analytics:read')
  @ApiOkResponse({ description: "Every team's figures in the period, and the organization's quartiles of completions per member" })
  async teams(@Param('orgId') orgId: string, @Query() query: ReportQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ period: Period; quartiles: Quartiles | null; teams: TeamRow[] } | string> {
    const organization = await currentOrganization(this.streams, orgId);
    const period = periodOf(organization, query);
    const teams = [...organization.teams.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    // One read for every team's members; each team sums its own.
    const docs = await learnerPeriodDocs(this.readStore, orgId, [period.key], membersOf(organization, teams.map((t) => t.id)));
    const rows = teams.map((team) => ({ team, figures: unitFigures(docs, [period.key], team.memberIds).get(period.key)! }));
    const quartiles = quartilesOf(rows.map((r) => r.figures.completionsPerMember).filter((v): v is number => v !== null));
    const report = {
      period,
      quartiles,
      teams: rows.map(({ team, figures }) => ({
        teamId: team.id,
        name: team.name,
        departmentId: team.departmentId,
        figures,
        benchmark: quartiles && figures.completionsPerMember !== null ? { position: benchmarkPosition(figures.completionsPerMember, quartiles) } : null,
      })),
    };
    return answerReport(reply, query.format, report, () => ({
      name: `teams-${period.key}`,
      columns: ['period', 'teamId', 'name', 'departmentId', ...FIGURE_COLUMNS, 'organizationQ1', 'organizationMedian', 'organizationQ3', 'position'],
      rows: report.teams.map((t) => ({ period: period.key, teamId: t.teamId, name: t.name, departmentId: t.departmentId, ...t.figures, organizationQ1: quartiles?.q1, organizationMedian: quartiles?.median, organizationQ3: quartiles?.q3, position: t.benchmark?.position })),
    }));
  }

  @Get('departments')
  @RequirePermission('analytics:read')
  @ApiOkResponse({ description: "Every department's figures in the period, rolled up through its sub-departments" })
  async departments(@Param('orgId') orgId: string, @Query() query: ReportQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ period: Period; departments: DepartmentRow[] } | string> {
    const organization = await currentOrganization(this.streams, orgId);
    const period = periodOf(organization, query);
    const departments = [...organization.departments.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const inDepartments = [...organization.teams.values()].filter((t) => t.departmentId !== null);
    // One read for the members of every team in a department; each department sums those of its subtree (they overlap).
    const docs = await learnerPeriodDocs(this.readStore, orgId, [period.key], membersOf(organization, inDepartments.map((t) => t.id)));
    const rows = departments.map((department) => {
      const below = subtreeIds(organization, department.id);
      const teamIds = inDepartments.filter((t) => below.has(t.departmentId!)).map((t) => t.id);
      const figures = unitFigures(docs, [period.key], membersOf(organization, teamIds)).get(period.key)!;
      return { departmentId: department.id, name: department.name, parentId: department.parentId, figures };
    });
    return answerReport(reply, query.format, { period, departments: rows }, () => ({
      name: `departments-${period.key}`,
      columns: ['period', 'departmentId', 'name', 'parentId', ...FIGURE_COLUMNS],
      rows: rows.map((d) => ({ period: period.key, departmentId: d.departmentId, name: d.name, parentId: d.parentId, ...d.figures })),
    }));
  }

  @Get('teams/:teamId/weekly')
  @RequirePermission('analytics:read')
  @ApiOkResponse({ description: "A team's figures week by week (ISO weeks of the organization's time zone), oldest first" })
  async weekly(@Param('orgId') orgId: string, @Param('teamId', ParseTeamId) teamId: string, @Query() query: WeeklyQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ teamId: string; weeks: (Period & UnitFigures)[] } | string> {
    const organization = await currentOrganization(this.streams, orgId);
    const team = organization.teams.get(teamId);
    if (!team) throw new DomainError('team-not-found', 'No such team in this organization');
    const weeks: Period[] = [periodOf(organization, { ...query, period: 'week' })];
    while (weeks.length < query.weeks) weeks.unshift(previousPeriod(weeks[0]));
    const figures = await unitFiguresByPeriod(this.readStore, orgId, weeks.map((w) => w.key), team.memberIds);
    const series = weeks.map((week) => ({ ...week, ...figures.get(week.key)! }));
    return answerReport(reply, query.format, { teamId, weeks: series }, () => ({ name: `team-${teamId}-weekly`, columns: ['teamId', 'key', 'start', 'end', ...FIGURE_COLUMNS], rows: series.map((w) => ({ teamId, ...w })) }));
  }
}
