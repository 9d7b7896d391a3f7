import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { importColumns, IMPORT_COLUMNS, ValidationFailed, type ImportColumn, type ImportRow } from '#domain';
import { ProblemException } from '../../shared/problem.js';

export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 100_000;

const refuse = (message: string, field = 'file') => new ValidationFailed('invalid-import', [{ field, message }]);

/**
 * Reads a member file with a real streaming CSV parser (csv-parse): UTF-8 with or without
 * a byte order mark, comma or semicolon, quoted cells with line breaks. The first line
 * names the columns. Answers the rows with their line numbers in the file (a quoted
 * cell spanning lines counts its lines), the raw bytes (kept for the apply), and the
 * header names the file had that are not columns.
 */
export async function readMemberFile(source: Readable, declaredLength: number): Promise<{ rows: ImportRow[]; bytes: Buffer; unknownColumns: string[] }> {
  if (Number.isFinite(declaredLength) && declaredLength > IMPORT_MAX_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  const parser = parse({ bom: true, delimiter: [',', ';'], relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: 64 * 1024 });
  const records: { record: string[]; line: number }[] = [];
  const parsed = (async () => {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      records.push({ record, line: info.lines });
      if (records.length > IMPORT_MAX_ROWS + 1) throw refuse(`the file has more than ${IMPORT_MAX_ROWS} rows; split it`);
    }
  })();
  try {
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buffer.length;
      if (size > IMPORT_MAX_BYTES) throw tooLarge();
      chunks.push(buffer);
      if (!parser.write(buffer)) await new Promise((resolve) => parser.once('drain', resolve));
    }
    parser.end();
    await parsed;
  } catch (error) {
    parser.destroy();
    await parsed.catch(() => undefined);
    if (error instanceof ValidationFailed || error instanceof ProblemException) throw error;
    const csv = error as { code?: string; lines?: number; message?: string };
    if (typeof csv.code === 'string' && csv.code.startsWith('CSV_')) throw refuse(`line ${csv.lines ?? '?'}: the file is not valid CSV (${csv.message})`);
    throw error;
  }
  if (records.length === 0) throw refuse('the file is empty; its first line names the columns');
  const [header, ...body] = records;
  const { columns, unknown, errors } = importColumns(header.record);
  if (errors.length > 0) throw new ValidationFailed('invalid-import', errors);
  if (body.length === 0) throw refuse('the file has a header and no rows');
  const rows = body.map(({ record, line }) => ({
    line,
    cells: Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, columns[c] === undefined ? '' : (record[columns[c]!] ?? '').trim()])) as Record<ImportColumn, string>,
  }));
  return { rows, bytes: Buffer.concat(chunks), unknownColumns: unknown };
}

const tooLarge = () => new ProblemException('payload-too-large', `The file must be at most ${IMPORT_MAX_BYTES / (1024 * 1024)} MiB`, { maxBytes: IMPORT_MAX_BYTES });
