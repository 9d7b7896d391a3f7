import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { findUnmatchedAgents, statementsProjection, type Page, type ReadStore, type UnmatchedAgent } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { PageField, PageSizeField } from '../../shared/paging.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { READ_STORE } from '../../shared/tokens.js';
import type { PageSize } from '#read-models';

export class UnmatchedAgentsQueryDto extends ConsistentQueryDto {
  @PageField()
  page: number = 1;

  @PageSizeField()
  pageSize: PageSize = 25;
}

/**
 * Statements about people the LRS matched to no member (issue 19): stored, never
 * dropped, and listed here by actor, so an admin can see whose progress is not counted
 * (a learner who uses another address, content that sends an account the service does
 * not know) and fix it at the source.
 */
@ApiTags('xapi')
@ApiBearerAuth()
@ReadsFrom(statementsProjection)
@Controller('organizations/:orgId/xapi/unmatched-agents')
export class UnmatchedAgentsController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  @Get()
  @RequirePermission('xapi:manage')
  @ApiOkResponse({ description: 'A page of actors no member was matched to, with their statement counts' })
  list(@Param('orgId') orgId: string, @Query() query: UnmatchedAgentsQueryDto): Promise<Page<UnmatchedAgent>> {
    return findUnmatchedAgents(this.readStore, orgId, query);
  }
}
