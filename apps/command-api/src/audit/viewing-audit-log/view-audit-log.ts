import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '#domain';
import { membersProjection, structureProjection } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { AuditLogReader } from '../audit-log-reader.js';
import { AuditLogQueryDto } from '../audit-query.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@ReadsFrom(membersProjection, structureProjection)
@Controller('organizations/:orgId/audit')
export class ViewAuditLogController {
  constructor(private readonly reader: AuditLogReader) {}

  /**
   * The organization's audit log, newest first: who acted, what happened (the event
   * type and a one-line summary), when, to what, and for edits each changed field
   * before and after. Viewing it is itself recorded, before the entries leave.
   */
  @Get()
  @RequirePermission('audit:read')
  list(@Param('orgId') orgId: string, @Query() query: AuditLogQueryDto, @Meta() metadata: CommandMetadata) {
    return this.reader.read(orgId, query, metadata);
  }
}

@ApiTags('audit')
@ApiBearerAuth()
@ReadsFrom(membersProjection, structureProjection)
@Controller('platform/audit')
export class ViewPlatformAuditLogController {
  constructor(private readonly reader: AuditLogReader) {}

  /** What belongs to no organization: super admins registered, platform auditors invited and removed, platform-wide exports. */
  @Get()
  @RequirePermission('audit:read')
  list(@Query() query: AuditLogQueryDto, @Meta() metadata: CommandMetadata) {
    return this.reader.read(null, query, metadata);
  }
}
