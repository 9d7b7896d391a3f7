import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { ORGANIZATION_RULES, type CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { Meta } from '../../shared/request-context.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { OrganizationProfileFields, profilePatchOf } from '../profile.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateOrganizationDto extends OrganizationProfileFields {
  @ApiProperty({ minLength: ORGANIZATION_RULES.createNameMin, maxLength: ORGANIZATION_RULES.createNameMax, example: 'Waadookodaading Ojibwe Language Institute' })
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @Transform(trim)
  name!: string;

  @ApiPropertyOptional({ type: 'string', maxLength: ORGANIZATION_RULES.descriptionMax, nullable: true })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(10_000)
  description?: string | null;

  @ApiProperty({ example: 'America/Chicago', description: 'IANA time zone' })
  @IsDefined({ message: 'timeZone is required' })
  @IsString({ message: 'timeZone must be a string' })
  @MaxLength(64)
  timeZone!: string;
}

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations')
export class CreateOrganizationController {
  constructor(private readonly commands: CommandBus) {}

  /** Creates an organization (super admins). It starts with 0 users and 0 classes. */
  @Post()
  @RequirePermission('organization:create')
  @HttpCode(201)
  @ApiCreatedResponse({ type: WriteResponse })
  async create(@Body() body: CreateOrganizationDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    // With an Idempotency-Key the id is derived from it, so a retry targets the same stream.
    const id = metadata.idempotencyKey ? uuidV5(`organization:${metadata.actor.id}:${metadata.idempotencyKey}`) : newId();
    const command = { type: 'CreateOrganization' as const, data: { organizationId: id, name: body.name, description: body.description ?? null, timeZone: body.timeZone, profile: profilePatchOf(body), now: metadata.now } };
    // `now` differs on a retry; the request is the same.
    const result = await this.commands.execute(toOrganization(id, command, metadata, { requestBody: { ...body } }));
    return { id, revision: result.version, position: result.position };
  }
}
