import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { checkEntry, DICTIONARY_RULES, DomainError, slotsNeeded, ValidationFailed, type CommandMetadata } from '#domain';
import { dictionaryProjection, getDictionaryEntry, listDictionary, type DictionaryEntryItem, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { PageQueryDto } from '../../shared/paging.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { NoBody, PatchField, sentFields } from '../../shared/validation.js';
import { WriteResponse } from '../../shared/write-response.js';
import { DictionaryWrites } from '../dictionary-writes.js';

export class DictionaryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: "One language's entries" })
  @IsOptional()
  @IsString({ message: 'languageId must be a language id' })
  @MaxLength(100)
  languageId?: string;
}

export class DictionaryEntryDto {
  @ApiProperty({ maxLength: DICTIONARY_RULES.termMax, example: 'Hello', description: "In the organization's default language" })
  @IsDefined({ message: 'term is required' })
  @IsString({ message: 'term must be text' })
  @MaxLength(10_000)
  term!: string;

  @ApiProperty({ maxLength: DICTIONARY_RULES.translationMax, example: 'Boozhoo' })
  @IsDefined({ message: 'translation is required' })
  @IsString({ message: 'translation must be text' })
  @MaxLength(10_000)
  translation!: string;

  @ApiProperty({ description: 'A language the organization teaches, other than its default' })
  @IsDefined({ message: 'languageId is required' })
  @IsString({ message: 'languageId must be a language id' })
  @MaxLength(100)
  languageId!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: DICTIONARY_RULES.pronunciationMax, example: 'boo-zhoo', description: 'Only in a language with pronunciation or romanization text' })
  @IsOptional()
  @IsString({ message: 'pronunciation must be text' })
  @MaxLength(10_000)
  pronunciation?: string | null;
}

/** A merge patch of an entry: absent fields stay; `pronunciation: null` clears it. */
export class EditDictionaryEntryDto {
  @ApiPropertyOptional({ maxLength: DICTIONARY_RULES.termMax })
  @IsString({ message: 'term must be text' })
  @MaxLength(10_000)
  @PatchField('term')
  term?: string;

  @ApiPropertyOptional({ maxLength: DICTIONARY_RULES.translationMax })
  @IsString({ message: 'translation must be text' })
  @MaxLength(10_000)
  @PatchField('translation')
  translation?: string;

  @ApiPropertyOptional()
  @IsString({ message: 'languageId must be a language id' })
  @MaxLength(100)
  @PatchField('languageId')
  languageId?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @IsString({ message: 'pronunciation must be text' })
  @MaxLength(10_000)
  pronunciation?: string | null;
}

class DictionaryEntryView {
  @ApiProperty() id!: string;
  @ApiProperty() term!: string;
  @ApiProperty() translation!: string;
  @ApiProperty() languageId!: string;
  @ApiProperty({ type: 'string', nullable: true }) pronunciation!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() revision!: number;
}

const entryNotFound = () => new DomainError('dictionary-entry-not-found', 'No such entry in the dictionary');
const ParseEntryId = new ParseUUIDPipe({ exceptionFactory: () => entryNotFound() });

/**
 * An organization's translation dictionary (organization-management guide, Organization
 * Details: "Translations → Manage translation dictionary"; issue 18). Admins (and
 * instructors who are admins) manage it; instructors read it.
 */
@ApiTags('dictionary')
@ApiBearerAuth()
@ReadsFrom(dictionaryProjection)
@Controller('organizations/:orgId/dictionary')
export class DictionaryEntriesController {
  constructor(
    private readonly writes: DictionaryWrites,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /** By term; `search` matches the term or the translation; `languageId` keeps one language. */
  @Get()
  @RequirePermission('dictionary:read')
  @ApiOkResponse({ description: 'A page of entries' })
  list(@Param('orgId') orgId: string, @Query() query: DictionaryQueryDto) {
    return listDictionary(this.readStore, orgId, { search: query.search, languageId: query.languageId, page: query.page, pageSize: query.pageSize });
  }

  @Get(':entryId')
  @RequirePermission('dictionary:read')
  @ApiOkResponse({ type: DictionaryEntryView })
  async get(@Param('orgId') orgId: string, @Param('entryId', ParseEntryId) entryId: string, @Query() _q: ConsistentQueryDto): Promise<DictionaryEntryItem> {
    const found = await getDictionaryEntry(this.readStore, orgId, entryId);
    if (!found) throw entryNotFound();
    return found;
  }

  /** Adds an entry: 409 dictionary-entry-exists when the term has a translation in that language already. */
  @Post()
  @RequirePermission('dictionary:manage')
  @HttpCode(201)
  @ApiCreatedResponse({ type: WriteResponse })
  async add(@Param('orgId') orgId: string, @Body() body: DictionaryEntryDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const entryId = metadata.idempotencyKey ? uuidV5(`dictionary:${orgId}:${metadata.idempotencyKey}`) : newId();
    const result = await this.writes.write(
      orgId,
      ({ organization, state: dictionary }) => {
        // Field errors (400) before any language is held: a wrong language id is a field error, not a 404 of the catalogue.
        const { fields, errors } = checkEntry(body, { organizationLanguageIds: organization.languageIds });
        if (!fields) throw new ValidationFailed('invalid-dictionary-entry', errors);
        return slotsNeeded([fields], dictionary.holds);
      },
      ({ organization }, holders) => ({ type: 'AddDictionaryEntry', data: { organizationId: orgId, entryId, ...body, holders, organizationLanguageIds: organization.languageIds } }),
      metadata,
      { requestBody: { ...body } },
    );
    return { id: entryId, revision: result.version, position: result.position };
  }

  /** Edits an entry as a JSON Merge Patch; If-Match takes the entry's ETag. */
  @Patch(':entryId')
  @RequirePermission('dictionary:manage')
  @ApiOkResponse({ type: WriteResponse })
  async edit(
    @Param('orgId') orgId: string,
    @Param('entryId', ParseEntryId) entryId: string,
    @Body() body: EditDictionaryEntryDto,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const patch = sentFields(body);
    const result = await this.writes.write(
      orgId,
      ({ state: dictionary }) => {
        const existing = dictionary.entries.get(entryId);
        if (!existing) throw entryNotFound();
        const after = { languageId: patch.languageId ?? existing.languageId, pronunciation: patch.pronunciation === undefined ? existing.pronunciation : patch.pronunciation };
        return slotsNeeded([after], dictionary.holds);
      },
      ({ organization }, holders) => ({ type: 'EditDictionaryEntry', data: { organizationId: orgId, entryId, ...patch, holders, organizationLanguageIds: organization.languageIds } }),
      metadata,
      { expectedRevision: parseIfMatch(ifMatch), requestBody: { entryId, ...patch } },
    );
    return { id: entryId, revision: result.version, position: result.position };
  }

  /** Removes an entry; the last one in a language lets the dictionary's hold on it go. */
  @Delete(':entryId')
  @RequirePermission('dictionary:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async remove(@Param('orgId') orgId: string, @Param('entryId', ParseEntryId) entryId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const result = await this.writes.change(orgId, () => ({ type: 'RemoveDictionaryEntry', data: { organizationId: orgId, entryId } }), metadata);
    return { id: entryId, revision: result.revision, position: result.position };
  }
}
