import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import type { CommandMetadata } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';
import { auditEntryOf, redact, summarize } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { csvRow } from '../../shared/csv.js';
import { Meta } from '../../shared/request-context.js';
import { APP_LOGGER, EVENT_STORE } from '../../shared/tokens.js';
import type { Logger } from 'pino';
import { DataAccessLog } from '../data-access.js';
import { normalizedRange, TimeRangeDto } from '../audit-query.dto.js';

export class AuditExportQueryDto extends TimeRangeDto {
  @ApiPropertyOptional({ description: "One organization's events; leave out for the whole platform (super admins and platform auditors)" })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be an organization id' })
  organizationId?: string;

  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'], { message: 'format must be ndjson or csv' })
  format: 'ndjson' | 'csv' = 'ndjson';
}

export const CSV_COLUMNS = ['position', 'occurredAt', 'recordedAt', 'streamName', 'revision', 'eventId', 'type', 'summary', 'actorId', 'actorKind', 'actorEmail', 'actorRoles', 'organizationId', 'targetKind', 'targetId', 'changes', 'ip', 'userAgent', 'correlationId', 'causationId', 'previousHash', 'hash', 'data'];

/** One event as an export line: the event as stored, with password and token hashes redacted. */
export function exportLine(event: RecordedEvent, format: 'ndjson' | 'csv'): string {
  const data = redact(event.data);
  if (format === 'ndjson') {
    const { streamName, revision, position, id, type, recordedAt, metadata } = event;
    return `${JSON.stringify({ position, streamName, revision, id, type, recordedAt, metadata, data })}\n`;
  }
  const m = event.metadata as Record<string, unknown>;
  const entry = auditEntryOf(event);
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return csvRow([
    s(event.position),
    s(m.occurredAt),
    event.recordedAt,
    event.streamName,
    s(event.revision),
    event.id,
    event.type,
    entry ? summarize(entry) : event.type,
    s(m.actorId),
    s(m.actorKind),
    s(m.actorEmail),
    Array.isArray(m.actorRoles) ? m.actorRoles.join(' ') : '',
    s(m.organizationId),
    entry?.target.kind ?? '',
    entry?.target.id ?? '',
    entry?.changes.length ? JSON.stringify(entry.changes) : '',
    s(m.ip),
    s(m.userAgent),
    s(m.correlationId),
    s(m.causationId),
    s(m.previousHash),
    s(m.hash),
    JSON.stringify(data),
  ]);
}

const CHUNK = 64 * 1024;

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class ExportAuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly access: DataAccessLog,
  ) {}

  /**
   * The full record for compliance, read from the event log itself (not a projection),
   * in log order, streamed: memory stays flat whatever the size. Without an
   * organization it is the whole platform's. The export is recorded as data accessed
   * before the first byte leaves.
   */
  @Get('export')
  @RequirePermission('audit:export')
  @ApiProduces('application/x-ndjson', 'text/csv')
  async export(@Query() query: AuditExportQueryDto, @Meta() metadata: CommandMetadata, @Res() response: FastifyReply): Promise<void> {
    const { from, to } = normalizedRange(query);
    const organizationId = query.organizationId ?? null;
    await this.access.record(organizationId, 'audit-export', { format: query.format, ...(from ? { from } : {}), ...(to ? { to } : {}) }, metadata);
    const name = `audit-${organizationId ?? 'platform'}.${query.format === 'csv' ? 'csv' : 'ndjson'}`;
    // A stream: Fastify writes it with backpressure (a slow reader pauses the read of the
    // log, so nothing piles up), and a client that hangs up ends the read.
    await response
      .code(200)
      .headers({
        'Content-Type': query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}"`,
        'Cache-Control': 'no-store',
      })
      .send(Readable.from(this.chunks(query, organizationId, from, to)));
  }

  private async *chunks(query: AuditExportQueryDto, organizationId: string | null, from: string | undefined, to: string | undefined): AsyncGenerator<string> {
    let chunk = query.format === 'csv' ? csvRow(CSV_COLUMNS) : '';
    let exported = 0;
    try {
      for await (const event of this.events.readAll({ batchSize: 2000 })) {
        const m = event.metadata as { organizationId?: string | null; occurredAt?: string };
        if (organizationId && m.organizationId !== organizationId) continue;
        const at = m.occurredAt ?? event.recordedAt;
        if ((from && at < from) || (to && at > to)) continue;
        chunk += exportLine(event, query.format);
        exported++;
        if (chunk.length >= CHUNK) {
          yield chunk;
          chunk = '';
        }
      }
      yield chunk;
    } catch (error) {
      // Headers are gone: the only honest signal left is a cut connection (the stream's error does that).
      this.logger.error({ err: error, organizationId, exported }, 'audit export failed midway');
      throw error;
    }
  }
}
