import type { Readable } from 'node:stream';
import { importColumns, IMPORT_COLUMNS, ValidationFailed, type ImportColumn, type ImportRow } from '#domain';
import { readCsvFile } from '../../shared/csv-file.js';

export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 100_000;

/**
 * Reads a member file (shared/csv-file.ts: the parser, the limits, line numbers). The
 * first line names the columns. Answers the rows with their line numbers, the raw bytes
 * (kept for the apply), and the header names the file had that are not columns.
 */
export async function readMemberFile(source: Readable, declaredLength: number): Promise<{ rows: ImportRow[]; bytes: Buffer; unknownColumns: string[] }> {
  const { header, records, bytes } = await readCsvFile(source, declaredLength, { maxBytes: IMPORT_MAX_BYTES, maxRows: IMPORT_MAX_ROWS, code: 'invalid-import' });
  const { columns, unknown, errors } = importColumns(header);
  if (errors.length > 0) throw new ValidationFailed('invalid-import', errors);
  const rows = records.map(({ record, line }) => ({
    line,
    cells: Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, columns[c] === undefined ? '' : (record[columns[c]!] ?? '').trim()])) as Record<ImportColumn, string>,
  }));
  return { rows, bytes, unknownColumns: unknown };
}
