import { Body, Controller, Headers, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDefined, IsString } from 'class-validator';
import { ORGANIZATION_LANGUAGES_MAX, organizationHolder, type CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { toLanguages, toOrganization } from '../../shared/write/stream-command.js';
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
 * the catalogue first (a removed one is 404 there, and a language held cannot be
 * removed), then the organization's list changes; the languages it no longer teaches
 * are let go after. A failed change lets go of what it took.
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
    const holder = organizationHolder(orgId);
    const before = new Set(state.languageIds);
    const taken: string[] = [];
    try {
      for (const languageId of body.languageIds.filter((id) => !before.has(id))) {
        const used = await this.commands.execute(toLanguages({ type: 'UseLanguage', data: { languageId, holder } }, metadata));
        if (used.appended.length > 0) taken.push(languageId);
      }
      const result = await this.commands.execute(toOrganization(orgId, { type: 'SetOrganizationLanguages', data: { languageIds: body.languageIds } }, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
      const after = new Set(result.state.status === 'existing' ? result.state.languageIds : body.languageIds);
      for (const languageId of [...before].filter((id) => !after.has(id))) await this.commands.execute(toLanguages({ type: 'ReleaseLanguage', data: { languageId, holder } }, metadata));
      return { id: orgId, revision: result.version, position: result.position };
    } catch (error) {
      for (const languageId of taken) await this.commands.execute(toLanguages({ type: 'ReleaseLanguage', data: { languageId, holder } }, metadata)).catch(() => undefined);
      throw error;
    }
  }
}
