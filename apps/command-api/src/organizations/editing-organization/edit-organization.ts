import { Body, Controller, Headers, Param, Patch } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ORGANIZATION_RULES, type CommandMetadata, type OrganizationCommand } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { AggregateRepository, parseIfMatch } from '../../shared/aggregate-repository.js';
import { Meta } from '../../shared/request-context.js';
import { PatchField, sentFields } from '../../shared/validation.js';
import { handleOrganizationCommand, OrganizationStreamCommand, WriteResponse } from '../organization-command.js';

/**
 * A JSON Merge Patch (RFC 7396) of the organization's settings: absent fields stay as
 * they are, `description: null` clears the description. Name and time zone cannot be
 * cleared.
 */
export class EditOrganizationDto {
  @ApiPropertyOptional({ maxLength: ORGANIZATION_RULES.editNameMax })
  @IsString({ message: 'name must be a string' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @PatchField('name')
  name?: string;

  @ApiPropertyOptional({ type: 'string', maxLength: ORGANIZATION_RULES.descriptionMax, nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(10_000)
  description?: string | null;

  @ApiPropertyOptional({ example: 'America/New_York' })
  @IsString({ message: 'timeZone must be a string' })
  @MaxLength(64)
  @PatchField('timeZone')
  timeZone?: string;
}

export class EditOrganization extends OrganizationStreamCommand {
  constructor(
    organizationId: string,
    readonly input: EditOrganizationDto,
    metadata: CommandMetadata,
    expectedRevision?: number,
  ) {
    super(organizationId, metadata, expectedRevision);
  }

  toDomain(): OrganizationCommand {
    const { name, description, timeZone } = this.input;
    return { type: 'UpdateOrganizationSettings', data: sentFields({ name, description, timeZone }) };
  }
}

@CommandHandler(EditOrganization)
export class EditOrganizationHandler implements ICommandHandler<EditOrganization> {
  constructor(private readonly repository: AggregateRepository) {}
  execute(command: EditOrganization) {
    return handleOrganizationCommand(this.repository, command);
  }
}

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class EditOrganizationController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Edits name, description and time zone as a JSON Merge Patch (`application/merge-patch+json`
   * or `application/json`): only the fields sent change. Send the ETag you read as If-Match
   * to refuse a stale edit (412 stale-revision).
   */
  @Patch(':orgId')
  @RequirePermission('organization:edit')
  @ApiOkResponse({ type: WriteResponse })
  async edit(
    @Param('orgId') orgId: string,
    @Body() body: EditOrganizationDto,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const result = await this.commands.execute(new EditOrganization(orgId, body, metadata, parseIfMatch(ifMatch)));
    return { id: orgId, revision: result.version, position: result.position };
  }
}
