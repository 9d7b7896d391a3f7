import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { listOrganizations, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { PageQueryDto } from '../../shared/paging.js';
import { READ_STORE } from '../../shared/tokens.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';


@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations')
export class ListOrganizationsController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  /** Lists all organizations (super admins), sorted by name. */
  @Get()
  @RequirePermission('organization:list')
  list(@Query() query: PageQueryDto) {
    return listOrganizations(this.readStore, { search: query.search, page: query.page, pageSize: query.pageSize });
  }
}
