import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { csvRow } from '../shared/csv.js';

export const REPORT_FORMATS = ['json', 'csv', 'ndjson'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The `format` a report query takes (json by default). */
export const ReportFormatField = (description = 'json, or an export: csv (formula-safe) or ndjson') =>
  applyDecorators(
    ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json', description }),
    IsOptional(),
    IsIn(REPORT_FORMATS as unknown as string[], { message: `format must be one of ${REPORT_FORMATS.join(', ')}` }),
  );

/** A report as a table: its columns in order, and one flat record per row. */
export interface ReportTable {
  name: string;
  columns: readonly string[];
  rows: Record<string, unknown>[];
}

/** A table as CSV: a header row, then each row's cells (objects as JSON), formula-safe. */
export const tableCsv = ({ columns, rows }: ReportTable): string => csvRow([...columns]) + rows.map((row) => csvRow(columns.map((c) => cell(row[c])))).join('');

const cell = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/**
 * Every report as JSON (its own shape), CSV (formula-safe cells, a header row) or NDJSON
 * (one JSON object per row): the same rows, so a spreadsheet and a warehouse load read
 * the same figures. A CSV or NDJSON answer is an attachment named after the report.
 */
export function answerReport<T>(reply: FastifyReply, format: ReportFormat, json: T, table: () => ReportTable): T | string {
  if (format === 'json') return json;
  const { name, columns, rows } = table();
  if (format === 'csv') {
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`);
    return tableCsv({ name, columns, rows });
  }
  reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('content-disposition', `attachment; filename="${name}.ndjson"`);
  return rows.map((row) => `${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}\n`).join('');
}
