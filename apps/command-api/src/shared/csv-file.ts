import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { ValidationFailed, type ErrorCode } from '#domain';
import { ProblemException } from './problem.js';

export interface CsvRecord {
  record: string[];
  /** The line the record ends on in the file (a quoted cell spanning lines counts its lines). */
  line: number;
}

/**
 * Reads an uploaded CSV file with a real streaming parser (csv-parse): UTF-8 with or
 * without a byte order mark, comma or semicolon, quoted cells with line breaks, blank
 * lines skipped. Answers the header, the records with their line numbers, and the raw
 * bytes. A file over `maxBytes` or `maxRows` is refused as soon as it is known, before
 * the rest is read; a file that is not CSV is refused with the line where it broke.
 */
export async function readCsvFile(
  source: Readable,
  declaredLength: number,
  limits: { maxBytes: number; maxRows: number; code: ErrorCode },
): Promise<{ header: string[]; records: CsvRecord[]; bytes: Buffer }> {
  const refuse = (message: string) => new ValidationFailed(limits.code, [{ field: 'file', message }]);
  const tooLarge = () => new ProblemException('payload-too-large', `The file must be at most ${limits.maxBytes / (1024 * 1024)} MiB`, { maxBytes: limits.maxBytes });
  if (Number.isFinite(declaredLength) && declaredLength > limits.maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  const parser = parse({ bom: true, delimiter: [',', ';'], relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: 64 * 1024 });
  const records: CsvRecord[] = [];
  const parsed = (async () => {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      records.push({ record, line: info.lines });
      if (records.length > limits.maxRows + 1) throw refuse(`the file has more than ${limits.maxRows} rows; split it`);
    }
  })();
  try {
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buffer.length;
      if (size > limits.maxBytes) throw tooLarge();
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
  if (body.length === 0) throw refuse('the file has a header and no rows');
  return { header: header.record, records: body, bytes: Buffer.concat(chunks) };
}

/** CSV uploads arrive as text/csv, or as what browsers and tools send for a file. */
export const CSV_TYPES = /^(text\/csv|application\/csv|text\/plain|application\/octet-stream)\b/i;

/**
 * A cell as written: exports put a `'` before a cell that starts like a formula (so a
 * spreadsheet does not run it, shared/csv.ts); reading the file back takes it off again.
 */
export const unguardedCell = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);
