import { membersProjection } from '#read-models';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { getMember, getOrganization, listMembers, listReassignmentCandidates, structureProjection, teamIdsUnder } from '#read-models';
import { organizationNotFound } from '../../shared/problem.js';
import type { ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ParseUserId, userNotFound } from '../user-id.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { EVENT_STORE, READ_STORE } from '../../shared/tokens.js';
import type { EventStore } from '#event-store';
import { membersAsOf } from './members-as-of.js';
import { ListUsersQueryDto } from '../member.dto.js';


@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection, structureProjection)
@Controller('organizations/:orgId/users')
export class ListUsersController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  /**
   * The user list: search on name or email, deactivated users only when asked, sorted
   * by last then first name. With `asOf`, the list as it was at that moment, folded from
   * the event log itself ("who was an admin on 1 March").
   */
  @Get()
  @RequirePermission('user:list')
  async list(@Param('orgId') orgId: string, @Query() query: ListUsersQueryDto) {
    const { search, showDeactivated, status, role, teamId, departmentId, page, pageSize } = query;
    const options = { search, showDeactivated, status, role, page, pageSize };
    if (query.asOf) return { ...(await membersAsOf(this.events, orgId, new Date(query.asOf).toISOString(), { ...options, teamId, departmentId })), asOf: new Date(query.asOf).toISOString() };
    // A department stands for every team in it and under it; one that does not exist has no members.
    const teamIds = teamId ? [teamId] : departmentId ? ((await teamIdsUnder(this.readStore, orgId, departmentId)) ?? []) : undefined;
    const members = await listMembers(this.readStore, orgId, { ...options, teamIds });
    // An empty page may be an organization that does not exist (a super admin can name any id): that is a 404.
    if (members.total === 0 && !(await getOrganization(this.readStore, orgId))) throw organizationNotFound();
    return members;
  }

  @Get(':userId')
  @RequirePermission('user:list')
  async get(@Param('orgId') orgId: string, @Param('userId', ParseUserId) userId: string, @Query() _query: ConsistentQueryDto) {
    const member = await getMember(this.readStore, orgId, userId);
    if (!member) throw userNotFound();
    return member;
  }

  /** Guide, Deactivating Users: active instructors who have set a password, other than this user. */
  @Get(':userId/reassignment-candidates')
  @RequirePermission('user:list')
  async candidates(@Param('orgId') orgId: string, @Param('userId', ParseUserId) userId: string, @Query() _query: ConsistentQueryDto) {
    if (!(await getMember(this.readStore, orgId, userId))) throw userNotFound();
    return { items: await listReassignmentCandidates(this.readStore, orgId, userId) };
  }
}
