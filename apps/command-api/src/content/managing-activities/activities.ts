import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CONTENT_RULES, DomainError, effectiveFeatures, slotsNeeded, type CommandMetadata } from '#domain';
import { activityCategories, contentProjection, getActivity, listActivities, type ActivityItem, type ReadStore, learningAnalyticsProjection } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { PageQueryDto } from '../../shared/paging.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { NoBody, PatchField, sentFields } from '../../shared/validation.js';
import { WriteResponse } from '../../shared/write-response.js';
import { LibraryWrites } from '../library-writes.js';

export class LicenseDto {
  @ApiProperty({ minimum: 1, maximum: CONTENT_RULES.seatsMax, description: 'How many learners may hold it' })
  @IsDefined({ message: 'license.seats is required' })
  @IsInt({ message: 'license.seats must be a whole number' })
  seats!: number;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true, description: 'When it ends; absent or null: it does not' })
  @IsOptional()
  @IsString({ message: 'license.expiresAt must be a date and time' })
  @MaxLength(40)
  expiresAt?: string | null;
}

export class LicensePatchDto {
  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt({ message: 'license.seats must be a whole number' })
  seats?: number;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true })
  @IsOptional()
  @IsString({ message: 'license.expiresAt must be a date and time' })
  @MaxLength(40)
  expiresAt?: string | null;
}

export class ActivityDto {
  @ApiProperty({ maxLength: CONTENT_RULES.titleMax, example: 'Greetings' })
  @IsDefined({ message: 'title is required' })
  @IsString({ message: 'title must be text' })
  @MaxLength(10_000)
  title!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: CONTENT_RULES.categoryMax, example: 'Basics' })
  @IsOptional()
  @IsString({ message: 'category must be text' })
  @MaxLength(10_000)
  category?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'One of the languages the organization teaches' })
  @IsOptional()
  @IsString({ message: 'languageId must be a language id' })
  @MaxLength(100)
  languageId?: string | null;

  @ApiProperty({ example: 'https://content.example/activities/greetings', description: 'The xAPI activity id (an absolute IRI), unique in the library' })
  @IsDefined({ message: 'activityIri is required' })
  @IsString({ message: 'activityIri must be text' })
  @MaxLength(10_000)
  activityIri!: string;

  @ApiProperty({ enum: ['private', 'licensed'], description: 'private: made in the organization (activity authoring); licensed: from the marketplace, with a license' })
  @IsDefined({ message: 'kind is required' })
  @IsIn(['private', 'licensed'], { message: 'kind must be private or licensed' })
  kind!: 'private' | 'licensed';

  @ApiPropertyOptional({ type: LicenseDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LicenseDto)
  license?: LicenseDto;
}

/** A merge patch of an activity: absent fields stay; `category` and `languageId` clear with null. */
export class EditActivityDto {
  @ApiPropertyOptional({ maxLength: CONTENT_RULES.titleMax })
  @IsString({ message: 'title must be text' })
  @MaxLength(10_000)
  @PatchField('title')
  title?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @IsString({ message: 'category must be text' })
  @MaxLength(10_000)
  category?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @IsString({ message: 'languageId must be a language id' })
  @MaxLength(100)
  languageId?: string | null;

  @ApiPropertyOptional()
  @IsString({ message: 'activityIri must be text' })
  @MaxLength(10_000)
  @PatchField('activityIri')
  activityIri?: string;

  @ApiPropertyOptional({ type: LicensePatchDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LicensePatchDto)
  license?: LicensePatchDto;
}

export class ActivitiesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'One category (empty: activities without one)' })
  @IsOptional()
  @IsString({ message: 'category must be text' })
  @MaxLength(200)
  category?: string;

  @ApiPropertyOptional({ enum: ['active', 'retired', 'all'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'retired', 'all'], { message: 'status must be active, retired or all' })
  status?: 'active' | 'retired' | 'all';

  @ApiPropertyOptional({ enum: ['private', 'licensed'] })
  @IsOptional()
  @IsIn(['private', 'licensed'], { message: 'kind must be private or licensed' })
  kind?: 'private' | 'licensed';
}

class LicenseView {
  @ApiProperty() seats!: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ description: 'Learners holding a seat now' }) seatsUsed!: number;
}

class UsageView {
  @ApiProperty({ description: 'Learners it is assigned to now' }) assigned!: number;
  @ApiProperty({ description: 'Learners with a learning record (an xAPI statement) about it' }) started!: number;
  @ApiProperty({ description: 'Learners who have completed it (a completed, passed or mastered statement, or result.completion)' }) completed!: number;
}

class ActivityView {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: 'string', nullable: true }) category!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) languageId!: string | null;
  @ApiProperty() activityIri!: string;
  @ApiProperty({ enum: ['private', 'licensed'] }) kind!: string;
  @ApiProperty({ enum: ['active', 'retired'] }) status!: string;
  @ApiProperty({ type: LicenseView, nullable: true }) license!: LicenseView | null;
  @ApiProperty({ type: UsageView }) usage!: UsageView;
  @ApiProperty() createdAt!: string;
  @ApiProperty() revision!: number;
}

const activityNotFound = () => new DomainError('activity-not-found', 'No such activity in the library');
export const ParseActivityId = new ParseUUIDPipe({ exceptionFactory: () => activityNotFound() });

/**
 * The organization's content library (multi-tenant guide: Content Library, "Add/remove
 * content, organize by category, track usage, manage licenses"; issue 19). Admins manage
 * it; instructors read it.
 */
@ApiTags('content')
@ApiBearerAuth()
@ReadsFrom(contentProjection, learningAnalyticsProjection)
@Controller('organizations/:orgId/activities')
export class ActivitiesController {
  constructor(
    private readonly writes: LibraryWrites,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  @RequirePermission('content:read')
  @ApiOkResponse({ description: 'A page of activities with their usage' })
  list(@Param('orgId') orgId: string, @Query() query: ActivitiesQueryDto) {
    return listActivities(this.readStore, orgId, { search: query.search, category: query.category === '' ? undefined : query.category, status: query.status, kind: query.kind, page: query.page, pageSize: query.pageSize });
  }

  /** The categories in use, with how many active activities each has. */
  @Get('categories')
  @RequirePermission('content:read')
  async categories(@Param('orgId') orgId: string, @Query() _q: ConsistentQueryDto) {
    return { items: await activityCategories(this.readStore, orgId) };
  }

  @Get(':activityId')
  @RequirePermission('content:read')
  @ApiOkResponse({ type: ActivityView })
  async get(@Param('orgId') orgId: string, @Param('activityId', ParseActivityId) activityId: string, @Query() _q: ConsistentQueryDto): Promise<ActivityItem> {
    const found = await getActivity(this.readStore, orgId, activityId);
    if (!found) throw activityNotFound();
    return found;
  }

  /** Adds an activity: private ones need activity authoring on, licensed ones the marketplace and a license. */
  @Post()
  @RequirePermission('content:manage')
  @HttpCode(201)
  @ApiCreatedResponse({ type: WriteResponse })
  async add(@Param('orgId') orgId: string, @Body() body: ActivityDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const activityId = metadata.idempotencyKey ? uuidV5(`activity:${orgId}:${metadata.idempotencyKey}`) : newId();
    const result = await this.writes.write(
      orgId,
      ({ state, organization }) => (body.languageId && organization.languageIds.includes(body.languageId) ? slotsNeeded([{ languageId: body.languageId }], state.holds) : []),
      ({ organization }, holders) => {
        const features = effectiveFeatures(organization.settings, organization.allowances);
        return {
          type: 'AddActivity',
          data: { organizationId: orgId, activityId, ...body, holders, organizationLanguageIds: organization.languageIds, features: { activityAuthoring: features.activityAuthoring, marketplace: features.marketplace } },
        };
      },
      metadata,
      { requestBody: { ...body } },
    );
    return { id: activityId, revision: result.version, position: result.position };
  }

  /** Edits an activity (JSON Merge Patch); If-Match takes its ETag. A license's seats cannot drop below those taken. */
  @Patch(':activityId')
  @RequirePermission('content:manage')
  @ApiOkResponse({ type: WriteResponse })
  async edit(
    @Param('orgId') orgId: string,
    @Param('activityId', ParseActivityId) activityId: string,
    @Body() body: EditActivityDto,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const patch = sentFields(body);
    const result = await this.writes.write(
      orgId,
      ({ state, organization }) => (patch.languageId && organization.languageIds.includes(patch.languageId) ? slotsNeeded([{ languageId: patch.languageId }], state.holds) : []),
      ({ organization }, holders) => ({ type: 'EditActivity', data: { organizationId: orgId, activityId, ...patch, holders, organizationLanguageIds: organization.languageIds } }),
      metadata,
      { expectedRevision: parseIfMatch(ifMatch), requestBody: { activityId, ...patch } },
    );
    return { id: activityId, revision: result.version, position: result.position };
  }

  /** Retires an activity: no longer assigned; its assignments and records stay. */
  @Post(':activityId/retire')
  @RequirePermission('content:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async retire(@Param('orgId') orgId: string, @Param('activityId', ParseActivityId) activityId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const result = await this.writes.change(orgId, () => ({ type: 'RetireActivity', data: { organizationId: orgId, activityId } }), metadata);
    return { id: activityId, revision: result.version, position: result.position };
  }

  /** Removes an activity never assigned; one assigned is 409 activity-in-use (retire it). */
  @Delete(':activityId')
  @RequirePermission('content:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async remove(@Param('orgId') orgId: string, @Param('activityId', ParseActivityId) activityId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const result = await this.writes.change(orgId, () => ({ type: 'RemoveActivity', data: { organizationId: orgId, activityId } }), metadata);
    return { id: activityId, revision: result.revision, position: result.position };
  }
}
