import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { applyDecorators, ParseUUIDPipe } from '@nestjs/common';
import { STRUCTURE_RULES } from '#domain';
import { ProblemException } from '../shared/problem.js';
import { PatchField } from '../shared/validation.js';

/**
 * The bodies of the structure routes. Names and descriptions are bounded here to refuse
 * the absurd early; the rules themselves (uniqueness, depth, scope) are the domain's.
 */
const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const NameField = () =>
  applyDecorators(
    ApiProperty({ maxLength: STRUCTURE_RULES.nameMax }),
    IsString({ message: 'name must be a string' }),
    trim(),
    MaxLength(STRUCTURE_RULES.nameMax, { message: `name must be at most ${STRUCTURE_RULES.nameMax} characters` }),
  );
const DescriptionField = () =>
  applyDecorators(
    ApiPropertyOptional({ type: 'string', nullable: true, maxLength: STRUCTURE_RULES.descriptionMax, description: 'null clears it' }),
    IsOptional(),
    IsString({ message: 'description must be a string' }),
    MaxLength(STRUCTURE_RULES.descriptionMax, { message: `description must be at most ${STRUCTURE_RULES.descriptionMax} characters` }),
  );
const LeaderIdsField = (what: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: STRUCTURE_RULES.leadersMax, description: `${what}: members of the organization who are not deactivated` }),
    IsArray({ message: 'leaderIds must be a list of user ids' }),
    ArrayMaxSize(STRUCTURE_RULES.leadersMax, { message: `leaderIds must name at most ${STRUCTURE_RULES.leadersMax} users` }),
    IsUUID('all', { each: true, message: 'leaderIds must be user ids' }),
  );
const ParentField = (field: 'parentId' | 'departmentId', description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true, description }),
    IsOptional(),
    IsUUID('all', { message: `${field} must be a department id or null` }),
  );

export class DepartmentDto {
  @IsDefined({ message: 'name is required' })
  @NameField()
  name!: string;

  @DescriptionField()
  description?: string | null;

  @ParentField('parentId', 'The department it sits under; absent or null: at the top')
  parentId?: string | null;

  @IsOptional()
  @LeaderIdsField('Its department admins')
  leaderIds?: string[];
}

/** A JSON Merge Patch (RFC 7396): absent fields stay; `parentId: null` moves it to the top; `description: null` clears it. */
export class EditDepartmentDto {
  @PatchField('name')
  @NameField()
  name?: string;

  @DescriptionField()
  description?: string | null;

  @ParentField('parentId', 'Moves it under another department; null: to the top')
  parentId?: string | null;

  @PatchField('leaderIds')
  @LeaderIdsField('Its department admins, all of them (the list replaces the old one)')
  leaderIds?: string[];
}

export class TeamDto {
  @IsDefined({ message: 'name is required' })
  @NameField()
  name!: string;

  @DescriptionField()
  description?: string | null;

  @ParentField('departmentId', 'The department it belongs to; absent or null: none')
  departmentId?: string | null;

  @IsOptional()
  @LeaderIdsField('Its team leaders')
  leaderIds?: string[];
}

/** A JSON Merge Patch: `departmentId: null` takes the team out of any department. */
export class EditTeamDto {
  @PatchField('name')
  @NameField()
  name?: string;

  @DescriptionField()
  description?: string | null;

  @ParentField('departmentId', 'Moves it to another department; null: none')
  departmentId?: string | null;

  @PatchField('leaderIds')
  @LeaderIdsField('Its team leaders, all of them (the list replaces the old one)')
  leaderIds?: string[];
}

export class TeamMembersDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: STRUCTURE_RULES.membersPerRequestMax })
  @IsDefined({ message: 'userIds is required' })
  @IsArray({ message: 'userIds must be a list of user ids' })
  @ArrayMinSize(1, { message: 'userIds must name at least one member' })
  @ArrayMaxSize(STRUCTURE_RULES.membersPerRequestMax, { message: `userIds must name at most ${STRUCTURE_RULES.membersPerRequestMax} users` })
  @IsUUID('all', { each: true, message: 'userIds must be user ids' })
  userIds!: string[];
}

export const departmentNotFound = () => new ProblemException('department-not-found', 'No such department in this organization');
export const teamNotFound = () => new ProblemException('team-not-found', 'No such team in this organization');
export const ParseDepartmentId = new ParseUUIDPipe({ exceptionFactory: () => departmentNotFound() });
export const ParseTeamId = new ParseUUIDPipe({ exceptionFactory: () => teamNotFound() });
