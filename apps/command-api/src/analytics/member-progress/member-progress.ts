import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError, mayReadProgressOf, type Principal } from '#domain';
import { contentProjection, learningAnalyticsProjection, memberProgress, type MemberProgress, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ProblemException } from '../../shared/problem.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { CurrentPrincipal } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { Pseudonyms } from '../pseudonyms.js';

const ParseUserId = new ParseUUIDPipe({ exceptionFactory: () => new DomainError('user-not-found', 'No such user in this organization') });

/**
 * A member's progress (issue 19): the completion rate of what is assigned to them, the
 * activities they completed, time spent (from `result.duration`), their mean scaled score
 * and their last activity. Members see their own, team leaders their teams', department
 * admins their departments', admins everyone's.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ReadsFrom(learningAnalyticsProjection, contentProjection)
@Controller('organizations/:orgId/analytics/members/:userId/progress')
export class MemberProgressController {
  constructor(
    private readonly streams: StreamCache,
    private readonly pseudonyms: Pseudonyms,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  @RequirePermission('progress:read')
  @ApiOkResponse({ description: "The member's progress" })
  async progress(@Param('orgId') orgId: string, @Param('userId', ParseUserId) userId: string, @CurrentPrincipal() principal: Principal): Promise<MemberProgress | (Omit<MemberProgress, 'userId'> & { learnerKey: string })> {
    const organization = await currentOrganization(this.streams, orgId);
    if (!organization.members.get(userId)) throw new DomainError('user-not-found', 'No such user in this organization');
    if (!mayReadProgressOf(organization, { id: principal.id, kind: principal.kind }, userId))
      throw new ProblemException('forbidden', "You may read your own progress, your teams' and your departments' members'");
    const progress = await memberProgress(this.readStore, orgId, userId);
    // An analyst who may not list members reads the member under their pseudonym only (the id they asked with is not repeated).
    if (principal.id === userId || this.pseudonyms.seesMembers(principal, orgId)) return progress;
    const { userId: _hidden, ...figures } = progress;
    return { learnerKey: this.pseudonyms.of(orgId, userId), ...figures };
  }
}
