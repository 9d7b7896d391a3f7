import { membersProjection } from '#read-models';
import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { managesOwnClassesOnly, MEMBER_RULES, type ClassActor, type CommandMetadata, type Principal } from '#domain';
import { getClass, listClasses } from '#read-models';
import type { ReadStore } from '#read-models';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { toOrganization } from '../shared/write/stream-command.js';
import { UserWriteResponse } from '../members/member.dto.js';
import { PageQueryDto } from '../shared/paging.js';
import { parseIfMatch } from '../shared/etag.js';
import { newId, uuidV5 } from '../shared/ids.js';
import { ProblemException } from '../shared/problem.js';
import { ConsistentQueryDto, ReadsFrom } from '../shared/read-your-writes.js';
import { CurrentPrincipal, Meta } from '../shared/request-context.js';
import { booleanQuery, NoBody, PatchField, sentFields } from '../shared/validation.js';
import { READ_STORE } from '../shared/tokens.js';

export class ClassDto {
  @ApiProperty({ maxLength: MEMBER_RULES.classNameMax })
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @MaxLength(MEMBER_RULES.classNameMax, { message: `name must be at most ${MEMBER_RULES.classNameMax} characters` })
  name!: string;

  @ApiProperty({ description: 'An active instructor of the organization' })
  @IsDefined({ message: 'instructorId is required' })
  @IsUUID('all', { message: 'instructorId must be a user id' })
  instructorId!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'The language it is taught in: one the organization teaches' })
  @IsOptional()
  @IsString({ message: 'languageId must be a language id' })
  @MaxLength(100)
  languageId?: string | null;
}

/** A JSON Merge Patch (RFC 7396) of a class: absent fields stay as they are; none can be cleared. */
export class EditClassDto {
  @ApiPropertyOptional({ maxLength: MEMBER_RULES.classNameMax })
  @IsString({ message: 'name must be a string' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @MaxLength(MEMBER_RULES.classNameMax, { message: `name must be at most ${MEMBER_RULES.classNameMax} characters` })
  @PatchField('name')
  name?: string;

  @ApiPropertyOptional({ description: 'An active instructor of the organization' })
  @IsUUID('all', { message: 'instructorId must be a user id' })
  @PatchField('instructorId')
  instructorId?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'One the organization teaches; null for none' })
  @IsOptional()
  @IsString({ message: 'languageId must be a language id' })
  @MaxLength(100)
  languageId?: string | null;
}

export const CLASS_STATUS_FILTERS = ['active', 'archived', 'all'] as const;

export class ListClassesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Archived classes too (the same as status=all)' })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean({ message: 'includeArchived must be true or false' })
  includeArchived?: boolean;

  @ApiPropertyOptional({ enum: CLASS_STATUS_FILTERS, default: 'active' })
  @IsOptional()
  @IsIn(CLASS_STATUS_FILTERS as unknown as string[], { message: 'status must be active, archived or all' })
  status?: (typeof CLASS_STATUS_FILTERS)[number];

  @ApiPropertyOptional({ description: "One instructor's classes: what the deactivate dialog lists before asking for a reassignment target" })
  @IsOptional()
  @IsUUID('all', { message: 'instructorId must be a user id' })
  instructorId?: string;
}

export class ClassStudentsDto {
  @ApiProperty({ type: [String], description: 'Members who learn (not deactivated, not auditors only), at most 1,000' })
  @IsDefined({ message: 'userIds is required' })
  @IsArray({ message: 'userIds must be a list of user ids' })
  @ArrayMaxSize(1_000, { message: 'userIds may name at most 1,000 members' })
  @IsUUID('all', { each: true, message: 'userIds must be user ids' })
  userIds!: string[];
}

const classNotFound = () => new ProblemException('class-not-found', 'No such class in this organization');
const ParseClassId = new ParseUUIDPipe({ exceptionFactory: () => classNotFound() });
/** The domain's rule (classes/managing-classes.ts), for what the lists show. */
const onlyOwnClasses = (principal: Principal) => managesOwnClassesOnly(actorOf(principal));
/** Who asks, as the class rules read it. */
const actorOf = (principal: Principal): ClassActor => ({ id: principal.id, kind: principal.kind, roles: principal.kind === 'member' ? principal.roles : [] });

@ApiTags('classes')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId/classes')
export class ClassesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /**
   * Admins see every class of the organization; an instructor sees their assigned classes
   * only. `instructorId` and `status=active` list what the guide's deactivate dialog shows.
   */
  @Get()
  @RequirePermission('class:view')
  async list(@Param('orgId') orgId: string, @Query() query: ListClassesQueryDto, @CurrentPrincipal() principal: Principal) {
    const own = onlyOwnClasses(principal);
    const page = { page: query.page, pageSize: query.pageSize };
    // An instructor asking for someone else's classes sees none of them.
    if (own && query.instructorId && query.instructorId !== principal.id) return { items: [], total: 0, ...page };
    return listClasses(this.readStore, orgId, {
      search: query.search,
      status: query.status ?? (query.includeArchived ? 'all' : 'active'),
      instructorId: own ? principal.id : query.instructorId,
      ...page,
    });
  }

  @Get(':classId')
  @RequirePermission('class:view')
  async get(@Param('orgId') orgId: string, @Param('classId', ParseClassId) classId: string, @Query() _q: ConsistentQueryDto, @CurrentPrincipal() principal: Principal) {
    const found = await getClass(this.readStore, orgId, classId);
    if (!found || (onlyOwnClasses(principal) && found.instructorId !== principal.id)) throw classNotFound();
    return found;
  }

  @Post()
  @RequirePermission('class:manage')
  @HttpCode(201)
  async create(@Param('orgId') orgId: string, @Body() body: ClassDto, @Meta() metadata: CommandMetadata, @CurrentPrincipal() principal: Principal): Promise<UserWriteResponse> {
    const classId = metadata.idempotencyKey ? uuidV5(`class:${orgId}:${metadata.idempotencyKey}`) : newId();
    const result = await this.commands.execute(
      toOrganization(orgId, { type: 'CreateClass', data: { classId, name: body.name, instructorId: body.instructorId, languageId: body.languageId ?? null, actor: actorOf(principal) } }, metadata),
    );
    return { id: classId, revision: result.version, position: result.position };
  }

  /** Renames a class or gives it to another instructor, as a JSON Merge Patch; If-Match takes the class's ETag. */
  @Patch(':classId')
  @RequirePermission('class:manage')
  async edit(
    @Param('orgId') orgId: string,
    @Param('classId', ParseClassId) classId: string,
    @Body() body: EditClassDto,
    @Meta() metadata: CommandMetadata,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ): Promise<UserWriteResponse> {
    const data = { classId, ...sentFields({ name: body.name, instructorId: body.instructorId, languageId: body.languageId }), actor: actorOf(principal) };
    const result = await this.commands.execute(toOrganization(orgId, { type: 'EditClass', data }, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id: classId, revision: result.version, position: result.position };
  }

  /** Archived classes are no longer active: they no longer hold their instructor's role. */
  @Post(':classId/archive')
  @RequirePermission('class:manage')
  @HttpCode(200)
  async archive(
    @Param('orgId') orgId: string,
    @Param('classId', ParseClassId) classId: string,
    @Body(NoBody) _body: undefined,
    @Meta() metadata: CommandMetadata,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserWriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'ArchiveClass', data: { classId, actor: actorOf(principal) } }, metadata));
    return { id: classId, revision: result.version, position: result.position };
  }

  /** Students join the class (issue 19: a class's students receive what is assigned to it). An instructor manages their own classes' students. */
  @Post(':classId/students')
  @RequirePermission('class:manage')
  @HttpCode(200)
  async addStudents(
    @Param('orgId') orgId: string,
    @Param('classId', ParseClassId) classId: string,
    @Body() body: ClassStudentsDto,
    @Meta() metadata: CommandMetadata,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserWriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'AddClassStudents', data: { classId, userIds: body.userIds, actor: actorOf(principal) } }, metadata, { requestBody: { classId, ...body } }));
    return { id: classId, revision: result.version, position: result.position };
  }

  @Delete(':classId/students/:userId')
  @RequirePermission('class:manage')
  @HttpCode(200)
  async removeStudent(
    @Param('orgId') orgId: string,
    @Param('classId', ParseClassId) classId: string,
    @Param('userId', new ParseUUIDPipe({ exceptionFactory: () => new ProblemException('user-not-found', 'No such user in this organization') })) userId: string,
    @Body(NoBody) _body: undefined,
    @Meta() metadata: CommandMetadata,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserWriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'RemoveClassStudent', data: { classId, userId, actor: actorOf(principal) } }, metadata));
    return { id: classId, revision: result.version, position: result.position };
  }
}
