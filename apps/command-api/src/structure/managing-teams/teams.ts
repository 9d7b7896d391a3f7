import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '#domain';
import { getTeam, structureProjection, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { NoBody, sentFields } from '../../shared/validation.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import { EditTeamDto, ParseTeamId, TeamDto, teamNotFound } from '../structure.dto.js';

/**
 * Teams (multi-tenant guide: "Teams"): a name unique in the organization, an optional
 * department, leaders. Admins manage every team, a department admin the teams of their
 * departments; team leaders manage only who is in their team (team-members).
 */
@ApiTags('structure')
@ApiBearerAuth()
@ReadsFrom(structureProjection)
@Controller('organizations/:orgId/teams')
export class TeamsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get(':teamId')
  @RequirePermission('structure:view')
  async get(@Param('orgId') orgId: string, @Param('teamId', ParseTeamId) teamId: string, @Query() _query: ConsistentQueryDto) {
    const found = await getTeam(this.readStore, orgId, teamId);
    if (!found) throw teamNotFound();
    return found;
  }

  @Post()
  @RequirePermission('structure:manage')
  @HttpCode(201)
  @ApiCreatedResponse({ type: WriteResponse })
  async create(@Param('orgId') orgId: string, @Body() body: TeamDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const teamId = metadata.idempotencyKey ? uuidV5(`team:${orgId}:${metadata.idempotencyKey}`) : newId();
    const data = { teamId, name: body.name, ...sentFields({ description: body.description, departmentId: body.departmentId, leaderIds: body.leaderIds }), actor: metadata.actor };
    const result = await this.commands.execute(toOrganization(orgId, { type: 'CreateTeam', data }, metadata));
    return { id: teamId, revision: result.version, position: result.position };
  }

  /** Renames, describes, moves (`departmentId`) or appoints the team leaders (`leaderIds`) as a JSON Merge Patch; If-Match takes its ETag. */
  @Patch(':teamId')
  @RequirePermission('structure:manage')
  @ApiOkResponse({ type: WriteResponse })
  async edit(
    @Param('orgId') orgId: string,
    @Param('teamId', ParseTeamId) teamId: string,
    @Body() body: EditTeamDto,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const data = { teamId, ...sentFields({ name: body.name, description: body.description, departmentId: body.departmentId, leaderIds: body.leaderIds }), actor: metadata.actor };
    const result = await this.commands.execute(toOrganization(orgId, { type: 'EditTeam', data }, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id: teamId, revision: result.version, position: result.position };
  }

  /** Deletes a team; its members stay in the organization (and in their other teams). */
  @Delete(':teamId')
  @RequirePermission('structure:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async remove(
    @Param('orgId') orgId: string,
    @Param('teamId', ParseTeamId) teamId: string,
    @Body(NoBody) _body: undefined,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'DeleteTeam', data: { teamId, actor: metadata.actor } }, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id: teamId, revision: result.version, position: result.position };
  }
}
