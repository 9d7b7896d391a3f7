import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { getOrganization } from '../../../../../libs/read-models/src/queries/organizations.queries.js';
import type { ReadStore } from '../../../../../libs/read-models/src/read-store.port.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { organizationNotFound } from '../../shared/problem.js';
import { ConsistentQueryDto } from '../../shared/read-your-writes.js';
import { READ_STORE } from '../../shared/tokens.js';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class ViewOrganizationController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  /** Name, description, time zone, logo URL, arrears, user and class counts. The ETag is the revision for If-Match. */
  @Get(':orgId')
  @RequirePermission('organization:view')
  async view(@Param('orgId') orgId: string, @Query() _query: ConsistentQueryDto, @Res({ passthrough: true }) response: Response) {
    const organization = await getOrganization(this.readStore, orgId);
    if (!organization) throw organizationNotFound();
    response.setHeader('ETag', `"${organization.revision}"`);
    return organization;
  }
}
