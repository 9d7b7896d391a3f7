import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { requireSeesTeamMembers, team, type CommandMetadata, type Principal } from '#domain';
import { listMembers, membersProjection, structureProjection, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ParseUserId } from '../../members/user-id.js';
import { PageQueryDto } from '../../shared/paging.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { CurrentPrincipal, Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { NoBody } from '../../shared/validation.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { organizationStream, toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import { ParseTeamId, TeamMembersDto } from '../structure.dto.js';

/**
 * Who is in a team: admins for every team, department admins for the teams of their
 * departments, team leaders for their own (guide: "team leader: manage the membership
 * of their teams and view their progress"). A member may be in several teams; removing
 * them from one keeps them in the organization and their other teams.
 */
@ApiTags('structure')
@ApiBearerAuth()
@ReadsFrom(membersProjection, structureProjection)
@Controller('organizations/:orgId/teams/:teamId/members')
export class TeamMembersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /**
   * The team's members, as the member list shows them, with names and emails. Those who
   * manage the team's membership see it; so do the team's own members when the
   * organization's privacy policy lets members see one another. Decided on the
   * organization's current state (a team leader sees their team, not another).
   */
  @Get()
  @RequirePermission('team:roster')
  async list(@Param('orgId') orgId: string, @Param('teamId', ParseTeamId) teamId: string, @Query() query: PageQueryDto, @CurrentPrincipal() principal: Principal) {
    const { state } = await this.streams.current(organizationStream(orgId));
    if (state.status !== 'existing') return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
    requireSeesTeamMembers(state, state.settings.policies.privacy.membersSeeOtherMembers, { id: principal.id, kind: principal.kind }, team(state, teamId));
    return listMembers(this.readStore, orgId, { search: query.search, showDeactivated: true, teamIds: [teamId], page: query.page, pageSize: query.pageSize });
  }

  /** Adds members (at most 1,000 per request); those already in the team are left as they are. */
  @Post()
  @RequirePermission('team:members')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async add(@Param('orgId') orgId: string, @Param('teamId', ParseTeamId) teamId: string, @Body() body: TeamMembersDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'AddTeamMembers', data: { teamId, userIds: body.userIds, actor: metadata.actor } }, metadata));
    return { id: teamId, revision: result.version, position: result.position };
  }

  @Delete(':userId')
  @RequirePermission('team:members')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async remove(
    @Param('orgId') orgId: string,
    @Param('teamId', ParseTeamId) teamId: string,
    @Param('userId', ParseUserId) userId: string,
    @Body(NoBody) _body: undefined,
    @Meta() metadata: CommandMetadata,
  ): Promise<WriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'RemoveTeamMember', data: { teamId, userId, actor: metadata.actor } }, metadata));
    return { id: teamId, revision: result.version, position: result.position };
  }
}
