import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DomainError, dueOn, learnersOf, ValidationFailed, type AssignmentTarget, type CommandMetadata, type Due } from '#domain';
import { contentProjection, getAssignment, listAssignments, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { PageQueryDto } from '../../shared/paging.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { NoBody } from '../../shared/validation.js';
import { WriteResponse } from '../../shared/write-response.js';
import { LibraryWrites } from '../library-writes.js';

export class AssignmentTargetDto {
  @ApiProperty({ enum: ['members', 'team', 'class', 'everyone'] })
  @IsDefined({ message: 'target.kind is required' })
  @IsIn(['members', 'team', 'class', 'everyone'], { message: 'target.kind must be members, team, class or everyone' })
  kind!: AssignmentTarget['kind'];

  @ApiPropertyOptional({ type: [String], description: 'With kind members' })
  @IsOptional()
  @IsArray({ message: 'target.userIds must be a list of user ids' })
  @ArrayMaxSize(10_000)
  @IsString({ each: true, message: 'target.userIds must be user ids' })
  userIds?: string[];

  @ApiPropertyOptional({ description: 'With kind team' })
  @IsOptional()
  @IsString({ message: 'target.teamId must be a team id' })
  teamId?: string;

  @ApiPropertyOptional({ description: 'With kind class' })
  @IsOptional()
  @IsString({ message: 'target.classId must be a class id' })
  classId?: string;
}

export class AssignDto {
  @ApiProperty()
  @IsDefined({ message: 'activityId is required' })
  @IsUUID('all', { message: 'activityId must be an activity id' })
  activityId!: string;

  @ApiProperty({ type: AssignmentTargetDto, description: 'Individual members, a team, a class, or everyone who learns' })
  @IsDefined({ message: 'target is required' })
  @ValidateNested()
  @Type(() => AssignmentTargetDto)
  target!: AssignmentTargetDto;

  @ApiPropertyOptional({ example: '2026-12-15', description: "A day in the organization's time zone" })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'dueDate must be a date, YYYY-MM-DD' })
  dueDate?: string;

  @ApiPropertyOptional({ example: '17:00', default: '23:59', description: "The time of day it is due, in the organization's time zone" })
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'dueTime must be a time, HH:mm' })
  dueTime?: string;
}

export class AssignmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'activityId must be an activity id' })
  @MaxLength(100)
  activityId?: string;

  @ApiPropertyOptional({ description: "One learner's assignments" })
  @IsOptional()
  @IsString({ message: 'userId must be a user id' })
  @MaxLength(100)
  userId?: string;

  @ApiPropertyOptional({ enum: ['open', 'cancelled', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'cancelled', 'all'], { message: 'status must be open, cancelled or all' })
  status?: 'open' | 'cancelled' | 'all';
}

function targetOf(dto: AssignmentTargetDto): AssignmentTarget {
  const missing = (field: string) => new ValidationFailed('invalid-assignment', [{ field: `target.${field}`, message: `target.${field} is required with target.kind ${dto.kind}` }]);
  switch (dto.kind) {
    case 'members':
      if (!dto.userIds) throw missing('userIds');
      return { kind: 'members', userIds: dto.userIds };
    case 'team':
      if (!dto.teamId) throw missing('teamId');
      return { kind: 'team', teamId: dto.teamId };
    case 'class':
      if (!dto.classId) throw missing('classId');
      return { kind: 'class', classId: dto.classId };
    default:
      return { kind: 'everyone' };
  }
}

const assignmentNotFound = () => new DomainError('assignment-not-found', 'No such assignment');
const ParseAssignmentId = new ParseUUIDPipe({ exceptionFactory: () => assignmentNotFound() });

/**
 * Assigning content (multi-tenant guide: Content Assignment: "Select activity, choose
 * recipients (individual, team, all), set due date (optional), assign"; issue 19).
 * People who join a team or a class later receive its open assignments until they are
 * due (following-organization/library-follows-organization.ts); a licensed activity only as far as its seats go.
 */
@ApiTags('content')
@ApiBearerAuth()
@ApiExtraModels(AssignmentTargetDto)
@ReadsFrom(contentProjection)
@Controller('organizations/:orgId/assignments')
export class AssignmentsController {
  constructor(
    private readonly writes: LibraryWrites,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  @RequirePermission('content:read')
  list(@Param('orgId') orgId: string, @Query() query: AssignmentsQueryDto) {
    return listAssignments(this.readStore, orgId, { activityId: query.activityId, userId: query.userId, status: query.status, page: query.page, pageSize: query.pageSize });
  }

  @Get(':assignmentId')
  @RequirePermission('content:read')
  async get(@Param('orgId') orgId: string, @Param('assignmentId', ParseAssignmentId) assignmentId: string, @Query() _q: ConsistentQueryDto) {
    const found = await getAssignment(this.readStore, orgId, assignmentId);
    if (!found) throw assignmentNotFound();
    return found;
  }

  /** Assigns an activity; a due date is a day (and a time, 23:59 by default) in the organization's time zone. */
  @Post()
  @RequirePermission('content:manage')
  @HttpCode(201)
  @ApiCreatedResponse({ type: WriteResponse })
  async assign(@Param('orgId') orgId: string, @Body() body: AssignDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const assignmentId = metadata.idempotencyKey ? uuidV5(`assignment:${orgId}:${metadata.idempotencyKey}`) : newId();
    const target = targetOf(body.target);
    if (body.dueTime && !body.dueDate) throw new ValidationFailed('invalid-assignment', [{ field: 'dueDate', message: 'dueDate is required with dueTime' }]);
    const result = await this.writes.write(
      orgId,
      () => [],
      ({ organization }) => {
        const due: Due | null = body.dueDate ? dueOn(body.dueDate, body.dueTime ?? '23:59', organization.timeZone) : null;
        return { type: 'AssignActivity', data: { organizationId: orgId, assignmentId, activityId: body.activityId, target, learners: learnersOf(organization, target), due, now: metadata.now } };
      },
      metadata,
      { requestBody: { ...body } },
    );
    return { id: assignmentId, revision: result.version, position: result.position };
  }

  /** Cancels an assignment: its learners who have the activity through no other assignment free their seats. */
  @Post(':assignmentId/cancel')
  @RequirePermission('content:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async cancel(@Param('orgId') orgId: string, @Param('assignmentId', ParseAssignmentId) assignmentId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const result = await this.writes.change(orgId, () => ({ type: 'CancelAssignment', data: { organizationId: orgId, assignmentId } }), metadata);
    return { id: assignmentId, revision: result.version, position: result.position };
  }
}
