import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { DomainError, LANGUAGE_RULES, type CommandMetadata } from '#domain';
import { getLanguage, languagesProjection, listLanguages, pronunciationEntriesOf, type LanguageListItem, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { newId } from '../../shared/ids.js';
import { PageQueryDto } from '../../shared/paging.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { NoBody, PatchField, sentFields } from '../../shared/validation.js';
import { toLanguages } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';

export class LanguagesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['name', 'usage'], description: 'name (default) or usage, most used first' })
  @IsOptional()
  @IsIn(['name', 'usage'], { message: 'sort must be name or usage' })
  sort?: 'name' | 'usage';
}

export class AddLanguageDto {
  @ApiProperty({ maxLength: LANGUAGE_RULES.nameMax, example: 'Ojibwe' })
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be text' })
  @MaxLength(1_000)
  name!: string;

  @ApiProperty({ example: 'oj', description: 'A BCP 47 tag with an ISO 639 language (oj, ja, haw, oj-Latn); unique case-insensitively' })
  @IsDefined({ message: 'code is required' })
  @IsString({ message: 'code must be text' })
  @MaxLength(100)
  code!: string;

  @ApiProperty({ description: 'Whether dictionary entries carry pronunciation or romanization text in it' })
  @IsDefined({ message: 'supportsPronunciation is required' })
  @IsBoolean({ message: 'supportsPronunciation must be true or false' })
  supportsPronunciation!: boolean;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: LANGUAGE_RULES.labelMax, example: 'Pronunciation', description: 'Required with pronunciation: what the text is called (Pronunciation, Romaji)' })
  @IsOptional()
  @IsString({ message: 'representationLabel must be text' })
  @MaxLength(1_000)
  representationLabel?: string | null;
}

/** A merge patch of a language: absent fields stay. */
export class EditLanguageDto {
  @ApiPropertyOptional({ maxLength: LANGUAGE_RULES.nameMax })
  @IsString({ message: 'name must be text' })
  @MaxLength(1_000)
  @PatchField('name')
  name?: string;

  @ApiPropertyOptional()
  @IsString({ message: 'code must be text' })
  @MaxLength(100)
  @PatchField('code')
  code?: string;

  @ApiPropertyOptional()
  @IsBoolean({ message: 'supportsPronunciation must be true or false' })
  @PatchField('supportsPronunciation')
  supportsPronunciation?: boolean;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @IsString({ message: 'representationLabel must be text' })
  @MaxLength(1_000)
  representationLabel?: string | null;
}

class LanguageView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() code!: string;
  @ApiProperty() supportsPronunciation!: boolean;
  @ApiProperty({ type: 'string', nullable: true }) representationLabel!: string | null;
  @ApiProperty({ description: 'Records using it now' }) usage!: number;
  @ApiProperty({ enum: ['unused', 'in use'] }) status!: string;
  @ApiProperty() revision!: number;
}

/**
 * The platform's languages (organization-management guide, Language Management; issue
 * 18): everyone signed in reads them; super admins add, edit and remove. "Languages that
 * are already in use can be edited, but they cannot be removed."
 */
@ApiTags('languages')
@ApiBearerAuth()
@ReadsFrom(languagesProjection)
@Controller('languages')
export class LanguagesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  @RequirePermission('language:read')
  @ApiOkResponse({ description: 'A page of languages with their usage and status' })
  list(@Query() query: LanguagesQueryDto) {
    return listLanguages(this.readStore, { search: query.search, sort: query.sort ?? 'name', page: query.page, pageSize: query.pageSize });
  }

  @Get(':languageId')
  @RequirePermission('language:read')
  @ApiOkResponse({ type: LanguageView })
  async get(@Param('languageId') languageId: string): Promise<LanguageListItem> {
    const found = await getLanguage(this.readStore, languageId);
    if (!found) throw new DomainError('language-not-found', 'No such language');
    return found;
  }

  @Post()
  @RequirePermission('language:manage')
  @HttpCode(201)
  @ApiCreatedResponse({ type: WriteResponse })
  async add(@Body() body: AddLanguageDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const languageId = newId();
    const result = await this.commands.execute(toLanguages({ type: 'AddLanguage', data: { languageId, ...body } }, metadata, { requestBody: { ...body } }));
    return { id: languageId, revision: result.version, position: result.position };
  }

  /** Edits a language, in use or not. Turning pronunciation off is refused while dictionary entries carry the text. */
  @Patch(':languageId')
  @RequirePermission('language:manage')
  @ApiOkResponse({ type: WriteResponse })
  async edit(@Param('languageId') languageId: string, @Body() body: EditLanguageDto, @Meta() metadata: CommandMetadata, @Headers('if-match') ifMatch?: string): Promise<WriteResponse> {
    const patch = sentFields(body);
    // Whether the edit may turn pronunciation off is decided on the catalogue's holds; the count is for the message.
    const pronunciationEntries = patch.supportsPronunciation === false ? await pronunciationEntriesOf(this.readStore, languageId) : 0;
    const result = await this.commands.execute(
      toLanguages({ type: 'EditLanguage', data: { languageId, ...patch, pronunciationEntries } }, metadata, { expectedRevision: parseIfMatch(ifMatch), requestBody: { languageId, ...patch } }),
    );
    return { id: languageId, revision: result.version, position: result.position };
  }

  /** Removes an unused language; one in use is 409 language-in-use. */
  @Delete(':languageId')
  @RequirePermission('language:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async remove(@Param('languageId') languageId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const result = await this.commands.execute(toLanguages({ type: 'RemoveLanguage', data: { languageId } }, metadata));
    return { id: languageId, revision: result.revision, position: result.position };
  }
}
