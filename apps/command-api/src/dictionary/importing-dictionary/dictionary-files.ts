import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import {
  DICTIONARY_RULES,
  planDictionaryImport,
  slotsNeeded,
  ValidationFailed,
  type CommandMetadata,
  type DictionaryEvent,
  type FieldError,
  type ImportRowPlan,
  type LanguagesState,
  type NewEntry,
} from '#domain';
import { allDictionaryEntries, dictionaryProjection, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { csvRow } from '../../shared/csv.js';
import { CSV_TYPES, readCsvFile, unguardedCell } from '../../shared/csv-file.js';
import { newId } from '../../shared/ids.js';
import { ProblemException } from '../../shared/problem.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { READ_STORE } from '../../shared/tokens.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { LANGUAGE_CATALOGUE } from '../../shared/write/stream-command.js';
import { DictionaryWrites } from '../dictionary-writes.js';
import { booleanQuery } from '../../shared/validation.js';

/** The file's columns, as the export writes them and the import reads them (header names in any case). */
export const DICTIONARY_COLUMNS = ['term', 'translation', 'language', 'pronunciation'] as const;
const REQUIRED_COLUMNS = ['term', 'translation', 'language'] as const;
export const DICTIONARY_FILE_MAX_BYTES = 4 * 1024 * 1024;
/** How many rows the answer lists (the errors are all listed). */
const ROWS_SHOWN = 100;

export class DictionaryImportQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Check the file and answer the plan; change nothing' })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;

  @ApiPropertyOptional({ description: 'The file’s name, kept in the audit log' })
  @IsOptional()
  @IsString({ message: 'fileName must be text' })
  @MaxLength(255)
  fileName?: string;
}

export class DictionaryExportQueryDto extends ConsistentQueryDto {
  @ApiPropertyOptional({ description: "One language's entries" })
  @IsOptional()
  @IsString({ message: 'languageId must be a language id' })
  @MaxLength(100)
  languageId?: string;
}

/** A row of the file, its language named by code or name, resolved against the catalogue. */
function rowsOf(records: { record: string[]; line: number }[], columns: Record<string, number>, catalogue: LanguagesState): { rows: (NewEntry & { line: number })[]; unknownLanguages: FieldError[] } {
  const byName = new Map<string, string>();
  for (const language of catalogue.languages.values()) {
    byName.set(language.code.toLowerCase(), language.id);
    byName.set(language.name.toLowerCase(), language.id);
  }
  const unknownLanguages: FieldError[] = [];
  const cell = (record: string[], column: string) => (columns[column] === undefined ? '' : unguardedCell((record[columns[column]] ?? '').trim()));
  const rows = records.map(({ record, line }) => {
    const language = cell(record, 'language');
    const languageId = byName.get(language.toLowerCase());
    if (!languageId) unknownLanguages.push({ field: 'language', line, message: `line ${line}: ${language ? `no language has the code or name "${language}"` : 'language is required (a code such as oj, or a name)'}` });
    return { line, entryId: newId(), term: cell(record, 'term'), translation: cell(record, 'translation'), languageId: languageId ?? '', pronunciation: cell(record, 'pronunciation') || null };
  });
  return { rows, unknownLanguages };
}

function columnsOf(header: string[]): { columns: Record<string, number>; unknown: string[] } {
  const columns: Record<string, number> = {};
  const unknown: string[] = [];
  header.forEach((name, index) => {
    const key = name.trim().toLowerCase();
    if ((DICTIONARY_COLUMNS as readonly string[]).includes(key) && columns[key] === undefined) columns[key] = index;
    else if (key) unknown.push(name.trim());
  });
  const missing = REQUIRED_COLUMNS.filter((c) => columns[c] === undefined);
  if (missing.length > 0) throw new ValidationFailed('invalid-dictionary-import', [{ field: 'file', message: `the first line must name the columns ${DICTIONARY_COLUMNS.join(', ')} (pronunciation is optional); missing: ${missing.join(', ')}` }]);
  return { columns, unknown };
}

/**
 * Rows with pronunciation text in a language that has none are errors of the dry run
 * too (the write would be refused by the catalogue, which decides it on its own state).
 */
function withoutPronunciation(plan: ImportRowPlan[], catalogue: LanguagesState): ImportRowPlan[] {
  return plan.map((row) => {
    if (row.action === 'error' || !row.fields.pronunciation) return row;
    const language = catalogue.languages.get(row.fields.languageId);
    if (!language || language.supportsPronunciation) return row;
    return { line: row.line, action: 'error', errors: [{ field: 'pronunciation', message: `${language.name} has no pronunciation or romanization text; leave it empty` }] };
  });
}

const rowView = (plan: ImportRowPlan) =>
  plan.action === 'error' ? { line: plan.line, action: plan.action, errors: plan.errors } : { line: plan.line, action: plan.action, entryId: plan.entryId, ...plan.fields };

/**
 * The dictionary as a CSV file, both ways (issue 18). An import is checked whole first:
 * every row's errors with its line; with `dryRun=true` that plan is the answer, and
 * without it nothing is written unless every row is good, then all of it in one append.
 */
@ApiTags('dictionary')
@ApiBearerAuth()
@ReadsFrom(dictionaryProjection)
@Controller('organizations/:orgId/dictionary')
export class DictionaryFilesController {
  constructor(
    private readonly writes: DictionaryWrites,
    private readonly streams: StreamCache,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /**
   * A CSV file (text/csv; columns term, translation, language (code or name),
   * pronunciation; comma or semicolon; UTF-8 with or without BOM; at most 4 MiB and
   * 5,000 rows). New terms are added; a term the dictionary has in that language is updated.
   */
  @Post('import')
  @RequirePermission('dictionary:manage')
  @HttpCode(200)
  @ApiBody({ description: 'The CSV file (text/csv)', schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ description: 'The plan (dry run) or what was imported' })
  async import(@Param('orgId') orgId: string, @Query() query: DictionaryImportQueryDto, @Req() request: FastifyRequest, @Meta() metadata: CommandMetadata) {
    const type = request.headers['content-type'] ?? '';
    if (!CSV_TYPES.test(type)) throw new ProblemException('unsupported-media-type', 'Send the file as text/csv', { supported: ['text/csv'] });
    // The organization first: a file for one that does not exist is a 404, not a 400 about the file.
    await this.writes.context(orgId);
    const { header, records } = await readCsvFile(request.raw, Number(request.headers['content-length']), {
      maxBytes: DICTIONARY_FILE_MAX_BYTES,
      maxRows: DICTIONARY_RULES.importRowsMax,
      code: 'invalid-dictionary-import',
    });
    const { columns, unknown } = columnsOf(header);
    const { state: catalogue } = await this.streams.current(LANGUAGE_CATALOGUE);
    const { rows, unknownLanguages } = rowsOf(records, columns, catalogue);
    const { organization, state: dictionary } = await this.writes.context(orgId);
    const plan = withoutPronunciation(planDictionaryImport(dictionary, rows, { organizationLanguageIds: organization.languageIds }), catalogue);
    // A language the catalogue does not know is the row's error, not "not taught".
    const unknownLines = new Set(unknownLanguages.map((e) => e.line));
    const errors = [
      ...unknownLanguages,
      ...plan.flatMap((p) => (p.action === 'error' ? p.errors.filter((e) => !(unknownLines.has(p.line) && e.field === 'languageId')).map((e) => ({ ...e, line: p.line, message: `line ${p.line}: ${e.message}` })) : [])),
    ].sort((a, b) => a.line! - b.line!);
    const totals = { rows: plan.length, add: 0, update: 0, unchanged: 0, error: new Set(errors.map((e) => e.line)).size };
    for (const p of plan) if (p.action !== 'error') totals[p.action]++;
    if (query.dryRun) return { dryRun: true, totals, unknownColumns: unknown, errors, rows: plan.slice(0, ROWS_SHOWN).map(rowView) };
    if (errors.length > 0) throw new ValidationFailed('invalid-dictionary-import', errors);

    const result = await this.writes.write(
      orgId,
      (now) => slotsNeeded(planDictionaryImport(now.state, rows, { organizationLanguageIds: now.organization.languageIds }).flatMap((p) => (p.action === 'add' || p.action === 'update' ? [p.fields] : [])), now.state.holds),
      (now, holders) => ({ type: 'ImportDictionary', data: { organizationId: orgId, rows, fileName: query.fileName ?? null, holders, organizationLanguageIds: now.organization.languageIds } }),
      metadata,
      // A retry with the same Idempotency-Key is the same file, whatever ids this request drew.
      { requestBody: { fileName: query.fileName ?? null, rows: rows.map(({ entryId: _id, ...row }) => row) } },
    );
    const summary = (result.appended as DictionaryEvent[]).find((e) => e.type === 'DictionaryImported');
    const done = summary?.type === 'DictionaryImported' ? summary.data : { added: 0, updated: 0, unchanged: plan.length };
    return { dryRun: false, totals: { rows: plan.length, add: done.added, update: done.updated, unchanged: done.unchanged, error: 0 }, unknownColumns: unknown, revision: result.revision, position: result.position };
  }

  /** The dictionary as a CSV file with the import's columns (languages by code), by term. */
  @Get('export')
  @RequirePermission('dictionary:read')
  @ApiProduces('text/csv')
  async export(@Param('orgId') orgId: string, @Query() query: DictionaryExportQueryDto, @Res() response: FastifyReply): Promise<void> {
    await this.writes.context(orgId);
    const { state: catalogue } = await this.streams.current(LANGUAGE_CATALOGUE);
    const codeOf = (languageId: string) => catalogue.languages.get(languageId)?.code ?? languageId;
    const readStore = this.readStore;
    async function* lines(): AsyncGenerator<string> {
      yield csvRow([...DICTIONARY_COLUMNS]);
      for await (const e of allDictionaryEntries(readStore, orgId, { languageId: query.languageId })) yield csvRow([e.term, e.translation, codeOf(e.languageId), e.pronunciation ?? '']);
    }
    await response
      .code(200)
      .headers({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="dictionary-${orgId}.csv"`, 'Cache-Control': 'no-store' })
      .send(Readable.from(lines()));
  }
}
