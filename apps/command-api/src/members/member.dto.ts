import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsEmail, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { MEMBER_RULES, MEMBER_STATUSES, ORGANIZATION_ROLES, ROLES_MESSAGE } from '#domain';
import { PageQueryDto } from '../shared/paging.js';
import { PatchField } from '../shared/validation.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The email an invitation is sent to (members and platform auditors alike): required, trimmed, an address. */
export const InvitationEmail = (example: string) =>
  // Listed in the order TypeScript applied them as separate decorators (bottom up): with
  // one message per field, the first registered check that fails is the one reported.
  applyDecorators(
    MaxLength(254),
    IsEmail({}, { message: 'email must be a valid address' }),
    Transform(trim),
    IsDefined({ message: 'email is required' }),
    ApiProperty({ example }),
  );

/** A person's names, as members and platform auditors have them. */
export class PersonNamesDto {
  @ApiProperty({ maxLength: MEMBER_RULES.nameMax })
  @IsDefined({ message: 'firstName is required' })
  @IsString({ message: 'firstName must be a string' })
  @Transform(trim)
  @IsNotEmpty({ message: 'firstName is required' })
  @MaxLength(MEMBER_RULES.nameMax, { message: `firstName must be at most ${MEMBER_RULES.nameMax} characters` })
  firstName!: string;

  @ApiProperty({ maxLength: MEMBER_RULES.nameMax })
  @IsDefined({ message: 'lastName is required' })
  @IsString({ message: 'lastName must be a string' })
  @Transform(trim)
  @IsNotEmpty({ message: 'lastName is required' })
  @MaxLength(MEMBER_RULES.nameMax, { message: `lastName must be at most ${MEMBER_RULES.nameMax} characters` })
  lastName!: string;
}

/** The roles a member is given (an invitation, a bulk invitation, an approved join request): required, at least one, known ones. */
export const RolesField = (example: string[]) =>
  // In the order TypeScript applied them as separate decorators (see InvitationEmail).
  applyDecorators(
    IsIn(ORGANIZATION_ROLES as string[], { each: true, message: ROLES_MESSAGE }),
    ArrayMaxSize(ORGANIZATION_ROLES.length),
    ArrayMinSize(1, { message: 'at least one role is required' }),
    IsArray({ message: 'roles must be a list' }),
    IsDefined({ message: 'roles is required' }),
    ApiProperty({ enum: ORGANIZATION_ROLES, isArray: true, example }),
  );

/** Teams a member joins with another change (a bulk invitation, an approved join request): optional, at most 50. */
export const TeamIdsField = (description: string) =>
  applyDecorators(
    IsUUID('all', { each: true, message: 'teamIds must be team ids' }),
    ArrayMaxSize(50),
    IsArray({ message: 'teamIds must be a list' }),
    IsOptional(),
    ApiPropertyOptional({ type: [String], description }),
  );

export class MemberNamesDto extends PersonNamesDto {
  @RolesField(['instructor'])
  roles!: string[];
}

export class InviteUserDto extends MemberNamesDto {
  @InvitationEmail('teacher@school.example')
  email!: string;
}

/** A name in a merge patch: absent keeps it; present, it is trimmed and may not be blank or cleared. */
const EditableName = (field: string) =>
  // In the order TypeScript applied them as separate decorators (see InvitationEmail).
  applyDecorators(
    PatchField(field),
    MaxLength(MEMBER_RULES.nameMax, { message: `${field} must be at most ${MEMBER_RULES.nameMax} characters` }),
    IsNotEmpty({ message: `${field} cannot be blank` }),
    Transform(trim),
    IsString({ message: `${field} must be a string` }),
    ApiPropertyOptional({ maxLength: MEMBER_RULES.nameMax }),
  );

/**
 * A JSON Merge Patch (RFC 7396) of a user: absent fields stay as they are; none of
 * them can be cleared.
 */
export class EditUserDto {
  @EditableName('firstName')
  firstName?: string;

  @EditableName('lastName')
  lastName?: string;

  @ApiPropertyOptional({ enum: ORGANIZATION_ROLES, isArray: true, example: ['instructor'] })
  @IsArray({ message: 'roles must be a list' })
  @ArrayMinSize(1, { message: 'at least one role is required' })
  @ArrayMaxSize(ORGANIZATION_ROLES.length)
  @IsIn(ORGANIZATION_ROLES as string[], { each: true, message: ROLES_MESSAGE })
  @PatchField('roles')
  roles?: string[];
}

export class ResendInvitationDto {
  @ApiPropertyOptional({ description: 'A corrected email address (guide: edit and resend)' })
  @IsOptional()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid address' })
  @MaxLength(254)
  email?: string;
}

export class DeactivateUserDto {
  @ApiPropertyOptional({ description: 'Required when the user teaches active classes: the instructor who takes them over' })
  @IsOptional()
  @IsUUID('all', { message: 'reassignTo must be a user id' })
  reassignTo?: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsBoolean({ message: 'showDeactivated must be true or false' })
  showDeactivated?: boolean;

  @ApiPropertyOptional({ enum: MEMBER_STATUSES, description: 'One status only (overrides showDeactivated)' })
  @IsOptional()
  @IsIn(MEMBER_STATUSES as unknown as string[], { message: `status must be one of ${MEMBER_STATUSES.join(', ')}` })
  status?: (typeof MEMBER_STATUSES)[number];

  @ApiPropertyOptional({ enum: ORGANIZATION_ROLES, description: "Members holding this role (the guide's filter by role)" })
  @IsOptional()
  @IsIn(ORGANIZATION_ROLES as string[], { message: `role must be one of ${ORGANIZATION_ROLES.join(', ')}` })
  role?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Members of this team (the guide's filter by team)" })
  @IsOptional()
  @IsUUID('all', { message: 'teamId must be a team id' })
  teamId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Members of any team in this department or one of its sub-departments' })
  @IsOptional()
  @IsUUID('all', { message: 'departmentId must be a department id' })
  departmentId?: string;

  @ApiPropertyOptional({ description: 'Members, roles, statuses and teams as they were at this moment (ISO 8601), computed from the event log' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'asOf must be an ISO 8601 date and time' })
  asOf?: string;
}

export class UserWriteResponse {
  @ApiProperty() id!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
}

