import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { membersProjection, organizationStructure, structureProjection, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { READ_STORE } from '../../shared/tokens.js';

@ApiTags('structure')
@ApiBearerAuth()
@ReadsFrom(membersProjection, structureProjection)
@Controller('organizations/:orgId/structure')
export class StructureController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  /**
   * The organization's chart (multi-tenant guide: "Hierarchy"): departments as a tree,
   * each with its sub-departments, its teams, and counts of the teams and the people
   * under it (a person in two of its teams counts once); teams in no department beside.
   * Everyone in the organization may read it.
   */
  @Get()
  @RequirePermission('structure:view')
  async get(@Param('orgId') orgId: string, @Query() _query: ConsistentQueryDto) {
    return organizationStructure(this.readStore, orgId);
  }
}
