import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { PageQueryDto } from '../../shared/paging.js';
import { searchTimeZones, TIME_ZONE_DATA_VERSION } from '../../shared/time-zones.js';

/**
 * The time zone picker (language-school guide, "Time Zone": "Search by city, region, or
 * time zone name"; issue 22): any signed-in user. Cacheable: the answer changes only with
 * the time zone data and the day (current offsets move at daylight saving changes), so its
 * ETag is a hash of the answer, and If-None-Match gets a 304.
 */
@ApiTags('time zones')
@ApiBearerAuth()
@Controller('time-zones')
export class SearchTimeZonesController {
  @Get()
  @RequirePermission('account:self')
  @ApiOkResponse({ description: 'IANA zones with their main cities, country, generic name, current offset and abbreviation; best match first' })
  async search(@Query() query: PageQueryDto, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const { items, total } = searchTimeZones(query.search, new Date(), { offset: (query.page - 1) * query.pageSize, limit: query.pageSize });
    const body = { items, total, page: query.page, pageSize: query.pageSize, dataVersion: TIME_ZONE_DATA_VERSION };
    const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
    void reply.header('ETag', etag).header('Cache-Control', 'private, max-age=3600');
    if (ifNoneMatch === etag) {
      void reply.code(304);
      return '';
    }
    return body;
  }
}
