import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsUUID } from 'class-validator';
import type { EventStore, RecordedEvent } from '#event-store';
import { earliestBreak, logPositionGaps, verifyChains, type ChainBreak } from '#event-store';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { EVENT_STORE } from '../../shared/tokens.js';

export class VerifyAuditQueryDto {
  @ApiProperty({ description: 'The organization whose event chains to verify' })
  @IsDefined({ message: 'organizationId is required' })
  @IsUUID('all', { message: 'organizationId must be an organization id' })
  organizationId!: string;
}

/**
 * Every event of every stream the organization wrote to, whole. A chain is only
 * checkable from its first event: an email reservation stream is shared over time (held
 * by this organization, released with no organization in its metadata, held again by
 * another one), so picking out the organization's own events left gaps that read as
 * tampering. So: one pass over the log finds the streams, then each is read entire.
 */
async function organizationStreams(store: EventStore, organizationId: string): Promise<{ streams: Set<string>; logGap: ChainBreak | null }> {
  const streams = new Set<string>();
  // Only SQLite numbers the log densely (see logPositionGaps).
  const gaps = store.kind === 'sqlite' ? logPositionGaps() : null;
  for await (const event of store.readAll({ batchSize: 2000, sealed: true })) {
    if (event.metadata.organizationId === organizationId) streams.add(event.streamName);
    gaps?.see(event);
  }
  return { streams, logGap: gaps?.first ?? null };
}

async function* wholeStreams(store: EventStore, streams: Set<string>): AsyncIterable<RecordedEvent> {
  // As stored: the chains cover personal values sealed, which an erased person's stay for good.
  for (const streamName of streams) yield* await store.readStream(streamName, { sealed: true });
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class VerifyAuditController {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  /**
   * Recomputes the hash chain of every stream of the organization from the event log
   * itself (not a projection) and reports whether it is intact, or the first log
   * position where it breaks and why; on SQLite a missing log position (a deleted
   * event) is reported too.
   */
  @Get('verify')
  @RequirePermission('audit:verify')
  async verify(@Query() query: VerifyAuditQueryDto) {
    const { streams, logGap } = await organizationStreams(this.events, query.organizationId);
    const result = await verifyChains(wholeStreams(this.events, streams));
    const firstBreak = earliestBreak(result.firstBreak, logGap);
    return { organizationId: query.organizationId, intact: firstBreak === null, checkedEvents: result.checked, streams: result.streams, firstBreak };
  }
}
