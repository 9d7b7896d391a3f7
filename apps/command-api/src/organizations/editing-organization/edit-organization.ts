import { Body, Controller, Headers, Inject, Param, Patch, Query } from '@nestjs/common';
import type { Logger } from 'pino';
import { canonicalZoneField } from '../../shared/time-zones.js';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { ORGANIZATION_RULES, type CommandMetadata, type OrganizationEvent, type OrganizationState } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { Meta } from '../../shared/request-context.js';
import { APP_LOGGER } from '../../shared/tokens.js';
import { booleanQuery, PatchField, sentFields } from '../../shared/validation.js';
import { moveDueDates } from '../../shared/write/due-dates.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { organizationStream, toOrganization, type CommandResult } from '../../shared/write/stream-command.js';
import { EditOrganizationResponse, TimeZoneChanges } from './time-zone-change.js';
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
  @Transform(canonicalZoneField)
  timeZone?: string;
}

export class EditOrganizationQuery {
  @ApiPropertyOptional({ default: false, description: 'true: check the edit and answer what it would change (a time zone change: what it moves), changing nothing' })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun: boolean = false;
}

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations')
export class EditOrganizationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly zones: TimeZoneChanges,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Edits name, description, time zone and the profile (type, industry, website, primary
   * and billing contacts) as a JSON Merge Patch (`application/merge-patch+json`
   * or `application/json`): only the fields sent change. Send the ETag you read as If-Match
   * to refuse a stale edit (412 stale-revision).
   *
   * A change of the time zone moves the due dates still ahead to the same local date and
   * time in the new zone, and answers what it moved (issue 22); `?dryRun=true` answers the
   * same and changes nothing, so an admin UI can show the guide's warning first.
   */
  @Patch(':orgId')
  @RequirePermission('organization:edit')
  @ApiOkResponse({ type: EditOrganizationResponse })
  async edit(
    @Param('orgId') orgId: string,
    @Body() body: EditOrganizationDto,
    @Query() query: EditOrganizationQuery,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<EditOrganizationResponse> {
    const { name, description, timeZone } = body;
    const command = { type: 'UpdateOrganizationSettings' as const, data: { ...sentFields({ name, description, timeZone }), profile: profilePatchOf(body), actorId: metadata.actor.id } };
    const options = { expectedRevision: parseIfMatch(ifMatch), dryRun: query.dryRun };
    // What a zone change moves is read before it is appended: once it is, this process's
    // library reactor may move the due dates before the request reads them.
    const { state: current } = await this.streams.current(organizationStream(orgId));
    const from = zoneOf(current);
    // A zone the runtime does not know is refused by the command below (400), not here.
    const planned = from !== null && timeZone !== undefined && timeZone !== from ? await this.zones.of(orgId, from, timeZone, metadata.now).catch(() => null) : null;
    const effects = (change: { before: string; after: string }) =>
      planned?.before === change.before && planned.after === change.after ? planned : this.zones.of(orgId, change.before, change.after, metadata.now);
    const result = await this.commands.execute(toOrganization(orgId, command, metadata, options));
    const answer = { id: orgId, revision: result.version, position: result.position };
    if (query.dryRun) {
      const zones = zoneChange(current, result.state);
      return { ...answer, dryRun: true, ...(zones ? { timeZoneChange: await effects(zones) } : {}) };
    }
    const changed = zoneChangeIn(result);
    if (!changed) return answer;
    // Another edit may have landed first: the answer follows the change this edit appended.
    const timeZoneChange = await effects(changed);
    try {
      await moveDueDates(this.commands, orgId, changed.after, metadata);
    } catch (error) {
      // The change is stored: answering an error would tell the client it was not. The library's reactor moves the due dates.
      this.logger.warn({ err: error, organizationId: orgId }, 'moving due dates after a time zone change failed; the library reactor will move them');
    }
    return { ...answer, timeZoneChange };
  }
}

const zoneOf = (state: OrganizationState): string | null => (state.status === 'existing' ? state.timeZone : null);

/** The zones before and after a dry run's decision, when it changes the zone. */
function zoneChange(before: OrganizationState, after: OrganizationState): { before: string; after: string } | null {
  const [from, to] = [zoneOf(before), zoneOf(after)];
  return from !== null && to !== null && from !== to ? { before: from, after: to } : null;
}

/** The zone change this edit appended, as its event records it (exact even when another edit landed just before). */
function zoneChangeIn(result: CommandResult<OrganizationState>): { before: string; after: string } | null {
  const updated = (result.appended as OrganizationEvent[]).find((e) => e.type === 'OrganizationSettingsUpdated');
  const change = updated?.type === 'OrganizationSettingsUpdated' ? updated.data.changes.timeZone : undefined;
  return change ? { before: change.before, after: change.after } : null;
}
