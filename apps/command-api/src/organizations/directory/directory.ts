import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { directoryEntryBySlug, listDirectory, type DirectoryEntry, type Page, type ReadStore } from '#read-models';
import { Public } from '../../auth/permissions.decorator.js';
import { PageQueryDto } from '../../shared/paging.js';
import { organizationNotFound } from '../../shared/problem.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { READ_STORE } from '../../shared/tokens.js';

/**
 * The organization directory (multi-tenant guide, General Settings: visibility; issue
 * 17), open to anyone, signed in or not: public organizations are listed; a hidden one
 * is found by its slug only; a private one by neither. Each shows its public card only:
 * name, slug, type and logo.
 */
@ApiTags('directory')
@ReadsFrom()
@Controller('directory/organizations')
export class DirectoryController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  @Get()
  @Public()
  list(@Query() query: PageQueryDto): Promise<Page<DirectoryEntry>> {
    return listDirectory(this.readStore, { search: query.search, page: query.page, pageSize: query.pageSize });
  }

  @Get(':slug')
  @Public()
  async bySlug(@Param('slug') slug: string): Promise<DirectoryEntry> {
    const entry = await directoryEntryBySlug(this.readStore, slug.toLowerCase(), Date.now());
    if (!entry) throw organizationNotFound();
    return entry;
  }
}
