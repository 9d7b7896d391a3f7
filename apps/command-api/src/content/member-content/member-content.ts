import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError, mayReadProgressOf, memberContent, type CommandMetadata, type MemberContentItem, type Principal } from '#domain';
import { learnerActivitiesOf, learningAnalyticsProjection, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { PageQueryDto } from '../../shared/paging.js';
import { ProblemException } from '../../shared/problem.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { CurrentPrincipal, Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { libraryStream } from '../../shared/write/stream-command.js';

const ParseUserId = new ParseUUIDPipe({ exceptionFactory: () => new DomainError('user-not-found', 'No such user in this organization') });

type Item = MemberContentItem & { startedAt: string | null; completedAt: string | null };

/**
 * The content a member has (multi-tenant guide, "Member Roles": a member "sees the
 * organization's content and their own progress"): each activity of an open assignment
 * they are among, its due dates, whether they can reach it now (and if not, why: the
 * troubleshooting's reasons), and when they started and first completed it. Members read
 * their own; whoever may read a member's progress reads theirs. The assignments and
 * access are read on the streams (as of now); the progress from the analytics projection.
 */
@ApiTags('content')
@ApiBearerAuth()
@ReadsFrom(learningAnalyticsProjection)
@Controller('organizations/:orgId/members/:userId/content')
export class MemberContentController {
  constructor(
    private readonly streams: StreamCache,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  @RequirePermission('progress:read')
  @ApiOkResponse({ description: "The member's content, the soonest due first" })
  async list(@Param('orgId') orgId: string, @Param('userId', ParseUserId) userId: string, @Query() query: PageQueryDto, @CurrentPrincipal() principal: Principal, @Meta() metadata: CommandMetadata) {
    const organization = await currentOrganization(this.streams, orgId);
    if (!organization.members.get(userId)) throw new DomainError('user-not-found', 'No such user in this organization');
    if (!mayReadProgressOf(organization, { id: principal.id, kind: principal.kind }, userId))
      throw new ProblemException('forbidden', "You may read your own content and progress, your teams' and your departments' members'");
    const { state: library } = await this.streams.current(libraryStream(orgId));
    const search = query.search?.toLowerCase();
    const all = memberContent(organization, library, userId, metadata.now).filter((i) => !search || i.activity.title.toLowerCase().includes(search) || (i.activity.category ?? '').toLowerCase().includes(search));
    const page = all.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    const progress = new Map((await learnerActivitiesOf(this.readStore, orgId, userId)).map((a) => [a.activityIri, a]));
    const items: Item[] = page.map((i) => ({ ...i, startedAt: progress.get(i.activity.activityIri)?.startedAt ?? null, completedAt: progress.get(i.activity.activityIri)?.completedAt ?? null }));
    return { items, total: all.length, page: query.page, pageSize: query.pageSize };
  }
}
