import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { PageQueryDto } from '../../shared/paging.js';
import { ProblemException } from '../../shared/problem.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { CSV_TYPES } from '../../shared/csv-file.js';
import { readMemberFile } from './csv-rows.js';
import { ImportsService, type ImportView } from './imports.service.js';

/** How many rows the upload's answer shows; the rest are paged at /rows. */
const ROWS_SHOWN = 100;
const ERRORS_SHOWN = 1_000;

export class ImportUploadQueryDto {
  @ApiPropertyOptional({ description: 'The file’s name, kept with the import' })
  @IsOptional()
  @IsString({ message: 'fileName must be text' })
  @MaxLength(255)
  fileName?: string;
}

export class ImportRowsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['create', 'update', 'unchanged', 'error'] })
  @IsOptional()
  @IsIn(['create', 'update', 'unchanged', 'error'], { message: 'action must be one of create, update, unchanged, error' })
  action?: 'create' | 'update' | 'unchanged' | 'error';
}

/**
 * Importing members from a CSV file (multi-tenant guide, Import Members; issue 17). The
 * upload is the dry run: nothing changes until the plan it answers is applied.
 */
@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /**
   * Uploads a CSV file (columns email, first name, last name, roles, teams, department;
   * comma or semicolon; UTF-8 with or without BOM) and answers its dry run: totals, every
   * error with its line and field, and the first rows (all at /rows).
   */
  @Post()
  @RequirePermission('user:manage')
  @HttpCode(201)
  @ApiBody({ description: 'The CSV file (text/csv)', schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ description: 'The dry run' })
  async upload(@Param('orgId') orgId: string, @Query() query: ImportUploadQueryDto, @Req() request: FastifyRequest, @Meta() metadata: CommandMetadata) {
    const type = request.headers['content-type'] ?? '';
    if (!CSV_TYPES.test(type)) throw new ProblemException('unsupported-media-type', 'Send the file as text/csv', { supported: ['text/csv'] });
    const { rows, bytes, unknownColumns } = await readMemberFile(request.raw, Number(request.headers['content-length']));
    const planned = await this.imports.plan(orgId, rows, bytes, query.fileName ?? null, metadata);
    return {
      id: planned.id,
      status: planned.status,
      totals: planned.totals,
      unknownColumns,
      errors: planned.planned.filter((r) => r.action === 'error').slice(0, ERRORS_SHOWN),
      rows: planned.planned.slice(0, ROWS_SHOWN),
    };
  }

  /** The import: its status, totals, and the apply's progress (processed of total). */
  @Get(':importId')
  @RequirePermission('user:manage')
  @ApiOkResponse({ description: 'The import and its progress' })
  view(@Param('orgId') orgId: string, @Param('importId') importId: string): Promise<ImportView> {
    return this.imports.view(orgId, importId);
  }

  /** The dry run's rows, in file order, filtered by action, in pages. */
  @Get(':importId/rows')
  @RequirePermission('user:manage')
  @ApiQuery({ name: 'action', required: false })
  async rows(@Param('orgId') orgId: string, @Param('importId') importId: string, @Query() query: ImportRowsQueryDto) {
    const all = await this.imports.planOf(orgId, importId);
    const matching = query.action ? all.filter((r) => r.action === query.action) : all;
    const from = (query.page - 1) * query.pageSize;
    return { items: matching.slice(from, from + query.pageSize), total: matching.length, page: query.page, pageSize: query.pageSize };
  }

  /**
   * Applies exactly what the dry run showed, in batches, and answers at once (202) with
   * the progress; GET the import to follow it. 409 import-plan-changed when the
   * organization changed since in a way that alters the plan. Applying again resumes an
   * apply that stopped, and changes nothing once it is done.
   */
  @Post(':importId/apply')
  @RequirePermission('user:manage')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'The import and its progress' })
  apply(@Param('orgId') orgId: string, @Param('importId') importId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<ImportView> {
    return this.imports.apply(orgId, importId, metadata);
  }
}
