import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '#domain';
import { getDepartment, structureProjection, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { NoBody, sentFields } from '../../shared/validation.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import { DepartmentDto, departmentNotFound, EditDepartmentDto, ParseDepartmentId } from '../structure.dto.js';

/**
 * Departments (multi-tenant guide: "Departments", "Hierarchy"). Admins and owners
 * manage them all; a department admin the ones under the departments they lead. Who
 * may do what where is decided by the organization's decider on its current state
 * (structure/scope.ts), so the answer never lags a leadership change.
 */
@ApiTags('structure')
@ApiBearerAuth()
@ReadsFrom(structureProjection)
@Controller('organizations/:orgId/departments')
export class DepartmentsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get(':departmentId')
  @RequirePermission('structure:view')
  async get(@Param('orgId') orgId: string, @Param('departmentId', ParseDepartmentId) departmentId: string, @Query() _query: ConsistentQueryDto) {
    const found = await getDepartment(this.readStore, orgId, departmentId);
    if (!found) throw departmentNotFound();
    return found;
  }

  /** Creates a department at the top or under `parentId`; 409 department-name-taken beside a sibling of the same name, department-too-deep past 8 levels. */
  @Post()
  @RequirePermission('structure:manage')
  @HttpCode(201)
  @ApiCreatedResponse({ type: WriteResponse })
  async create(@Param('orgId') orgId: string, @Body() body: DepartmentDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const departmentId = metadata.idempotencyKey ? uuidV5(`department:${orgId}:${metadata.idempotencyKey}`) : newId();
    const data = { departmentId, name: body.name, ...sentFields({ description: body.description, parentId: body.parentId, leaderIds: body.leaderIds }), actor: metadata.actor };
    const result = await this.commands.execute(toOrganization(orgId, { type: 'CreateDepartment', data }, metadata));
    return { id: departmentId, revision: result.version, position: result.position };
  }

  /** Renames, describes, moves (`parentId`) or appoints the department admins (`leaderIds`) as a JSON Merge Patch; If-Match takes its ETag. */
  @Patch(':departmentId')
  @RequirePermission('structure:manage')
  @ApiOkResponse({ type: WriteResponse })
  async edit(
    @Param('orgId') orgId: string,
    @Param('departmentId', ParseDepartmentId) departmentId: string,
    @Body() body: EditDepartmentDto,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const data = { departmentId, ...sentFields({ name: body.name, description: body.description, parentId: body.parentId, leaderIds: body.leaderIds }), actor: metadata.actor };
    const result = await this.commands.execute(toOrganization(orgId, { type: 'EditDepartment', data }, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id: departmentId, revision: result.version, position: result.position };
  }

  /** Deletes an empty department; one with sub-departments or teams answers 409 department-not-empty with their list. */
  @Delete(':departmentId')
  @RequirePermission('structure:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async remove(
    @Param('orgId') orgId: string,
    @Param('departmentId', ParseDepartmentId) departmentId: string,
    @Body(NoBody) _body: undefined,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'DeleteDepartment', data: { departmentId, actor: metadata.actor } }, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id: departmentId, revision: result.version, position: result.position };
  }
}
