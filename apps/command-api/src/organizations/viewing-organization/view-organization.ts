import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { getOrganization } from '#read-models';
import type { ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { organizationNotFound } from '../../shared/problem.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { READ_STORE } from '../../shared/tokens.js';

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations')
export class ViewOrganizationController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  /**
   * Name, description, time zone, the profile (type, industry, website, primary and
   * billing contacts), logo URL, arrears, user and class counts. The ETag
   * (also `revision`) is the profile's own version, for If-Match on edits: inviting a
   * user or creating a class does not change it.
   */
  @Get(':orgId')
  @RequirePermission('organization:view')
  async view(@Param('orgId') orgId: string, @Query() _query: ConsistentQueryDto) {
    const organization = await getOrganization(this.readStore, orgId);
    if (!organization) throw organizationNotFound();
    return organization;
  }
}
