import { Body, Controller, Headers, Param, Patch } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { ORGANIZATION_RULES, type CommandMetadata, type OrganizationCommand } from '../../../../../libs/domain/src/index.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { AggregateRepository, parseIfMatch } from '../../shared/aggregate-repository.js';
import { Meta } from '../../shared/request-context.js';
import { handleOrganizationCommand, OrganizationStreamCommand, WriteResponse } from '../organization-command.js';

export class EditOrganizationDto {
  @ApiProperty({ maxLength: ORGANIZATION_RULES.editNameMax })
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  name!: string;

  @ApiPropertyOptional({ maxLength: ORGANIZATION_RULES.descriptionMax, nullable: true })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(10_000)
  description?: string | null;

  @ApiProperty({ example: 'America/New_York' })
  @IsDefined({ message: 'timeZone is required' })
  @IsString({ message: 'timeZone must be a string' })
  @MaxLength(64)
  timeZone!: string;
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
    return { type: 'UpdateOrganizationSettings', data: { name: this.input.name, description: this.input.description, timeZone: this.input.timeZone } };
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

  /** Edits name, description and time zone. Send If-Match with the revision you read to refuse stale edits. */
  @Patch(':orgId')
  @RequirePermission('organization:edit')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision the edit is based on' })
  @ApiOkResponse({ type: WriteResponse })
  async edit(
    @Param('orgId') orgId: string,
    @Body() body: EditOrganizationDto,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const result = await this.commands.execute(new EditOrganization(orgId, body, metadata, parseIfMatch(ifMatch)));
    return { id: orgId, revision: result.revision, position: result.position };
  }
}
