import { Body, Controller, Headers, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDefined, IsString } from 'class-validator';
import { ORGANIZATION_LANGUAGES_MAX, type CommandMetadata, type OrganizationEvent } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { holdLanguages, notAdopted, releaseLanguages } from '../../shared/write/language-holds.js';
import { WriteResponse } from '../../shared/write-response.js';

export class OrganizationLanguagesDto {
  @ApiProperty({ type: [String], maxItems: ORGANIZATION_LANGUAGES_MAX, description: 'Language ids, the default language first' })
  @IsDefined({ message: 'languageIds is required' })
  @IsArray({ message: 'languageIds must be a list' })
  @ArrayMaxSize(ORGANIZATION_LANGUAGES_MAX, { message: `languageIds may name at most ${ORGANIZATION_LANGUAGES_MAX} languages` })
  @IsString({ each: true, message: 'languageIds must be language ids' })
  languageIds!: string[];
}

/**
 * The languages an organization teaches, its default first (issue 18): a process over
 * the platform's language catalogue and the organization. Each new language is held in
 * the catalogue first, by a fresh key (a removed one is 404 there, and a language held
 * cannot be removed), then the organization's list changes and records the keys; the
 * keys of the languages it no longer teaches are let go after, and so are keys taken
 * that the change did not need. A failed change lets go of what it took.
 */
@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/languages')
export class OrganizationLanguagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
  ) {}

  @Put()
  @RequirePermission('organization:edit')
  @ApiOkResponse({ type: WriteResponse })
  async set(@Param('orgId') orgId: string, @Body() body: OrganizationLanguagesDto, @Meta() metadata: CommandMetadata, @Headers('if-match') ifMatch?: string): Promise<WriteResponse> {
    const state = await currentOrganization(this.streams, orgId);
    const wanted = body.languageIds.filter((id) => !state.languageIds.includes(id)).map((languageId) => ({ slot: languageId, languageId, purpose: 'organization' as const }));
    const { holders, taken } = await holdLanguages(this.commands, orgId, wanted, metadata);
    let result;
    try {
      result = await this.commands.execute(
        toOrganization(orgId, { type: 'SetOrganizationLanguages', data: { languageIds: body.languageIds, holders } }, metadata, { expectedRevision: parseIfMatch(ifMatch), requestBody: { ...body } }),
      );
    } catch (error) {
      await releaseLanguages(this.commands, taken, metadata);
      throw error;
    }
    const changed = result.appended.find((e): e is Extract<OrganizationEvent, { type: 'OrganizationLanguagesChanged' }> => e.type === 'OrganizationLanguagesChanged');
    const released = Object.entries(changed?.data.released ?? {}).map(([languageId, holder]) => ({ languageId, holder }));
    await releaseLanguages(this.commands, [...notAdopted(taken, Object.values(changed?.data.holders ?? {})), ...released], metadata);
    return { id: orgId, revision: result.version, position: result.position };
  }
}
