import { Body, Controller, Headers, Param, Patch } from '@nestjs/common';
import { canonicalZone } from '../../shared/time-zones.js';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ORGANIZATION_RULES, type CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { Meta } from '../../shared/request-context.js';
import { PatchField, sentFields } from '../../shared/validation.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { OrganizationProfileFields, profilePatchOf } from '../profile.dto.js';

/**
 * A JSON Merge Patch (RFC 7396) of the organization's settings: absent fields stay as
 * they are, `description: null` clears the description. Name and time zone cannot be
 * cleared.
 */
export class EditOrganizationDto extends OrganizationProfileFields {
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
  // Links and aliases are stored as their canonical zone (issue 22): US/Central is America/Chicago.
  @Transform(({ value }) => (typeof value === 'string' ? (canonicalZone(value.trim()) ?? value) : value))
  timeZone?: string;
}

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations')
export class EditOrganizationController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Edits name, description, time zone and the profile (type, industry, website, primary
   * and billing contacts) as a JSON Merge Patch (`application/merge-patch+json`
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
    const { name, description, timeZone } = body;
    const command = { type: 'UpdateOrganizationSettings' as const, data: { ...sentFields({ name, description, timeZone }), profile: profilePatchOf(body), actorId: metadata.actor.id } };
    const result = await this.commands.execute(toOrganization(orgId, command, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id: orgId, revision: result.version, position: result.position };
  }
}
