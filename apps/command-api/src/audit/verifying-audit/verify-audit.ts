import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsUUID } from 'class-validator';
import type { EventStore, RecordedEvent } from '../../../../../libs/event-store/src/event-store.port.js';
import { verifyChains } from '../../../../../libs/event-store/src/hash-chain.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { EVENT_STORE } from '../../shared/tokens.js';

export class VerifyAuditQueryDto {
  @ApiProperty({ description: 'The organization whose event chains to verify' })
  @IsDefined({ message: 'organizationId is required' })
  @IsUUID('all', { message: 'organizationId must be an organization id' })
  organizationId!: string;
}

async function* eventsOf(store: EventStore, organizationId: string): AsyncIterable<RecordedEvent> {
  for await (const event of store.readAll({ batchSize: 2000 })) if (event.metadata.organizationId === organizationId) yield event;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class VerifyAuditController {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  /**
   * Recomputes the hash chain of every stream of the organization from the event log
   * itself (not a projection) and reports whether it is intact, or the first log
   * position where it breaks and why.
   */
  @Get('verify')
  @RequirePermission('audit:verify')
  async verify(@Query() query: VerifyAuditQueryDto) {
    const result = await verifyChains(eventsOf(this.events, query.organizationId));
    return { organizationId: query.organizationId, intact: result.firstBreak === null, checkedEvents: result.checked, streams: result.streams, firstBreak: result.firstBreak };
  }
}
