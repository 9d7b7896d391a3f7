import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsUUID } from 'class-validator';
import type { EventStore, RecordedEvent } from '../../../../../libs/event-store/src/event-store.port.js';
import { verifyChains, type ChainBreak } from '../../../../../libs/event-store/src/hash-chain.js';
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
  // SQLite numbers the log densely (a rolled-back append takes no position), so a
  // missing position is a deleted event: the one break a stream's chain cannot show
  // when it was the stream's last. EventStoreDB positions are byte offsets, not dense.
  const dense = store.kind === 'sqlite';
  let previous = 0;
  let logGap: ChainBreak | null = null;
  for await (const event of store.readAll({ batchSize: 2000 })) {
    if (event.metadata.organizationId === organizationId) streams.add(event.streamName);
    if (dense && !logGap && event.position !== previous + 1)
      logGap = { position: event.position, streamName: event.streamName, revision: event.revision, reason: 'log-position-gap' };
    previous = event.position;
  }
  return { streams, logGap };
}

async function* wholeStreams(store: EventStore, streams: Set<string>): AsyncIterable<RecordedEvent> {
  for (const streamName of streams) yield* await store.readStream(streamName);
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
    const firstBreak = [result.firstBreak, logGap].filter((b): b is ChainBreak => b !== null).sort((a, b) => a.position - b.position)[0] ?? null;
    return { organizationId: query.organizationId, intact: firstBreak === null, checkedEvents: result.checked, streams: result.streams, firstBreak };
  }
}
