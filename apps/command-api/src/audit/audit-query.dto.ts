import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { AUDITED_EVENT_TYPES } from '#read-models';
import { PageField, PageSizeField } from '../shared/paging.js';
import type { PageSize } from '#read-models';
import { ConsistentQueryDto } from '../shared/read-your-writes.js';
import { badRequest } from '../shared/problem.js';

const ACTOR_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|system|anonymous)$/i;

/** `from` and `to`, inclusive ISO times; a range that ends before it starts is refused. */
export class TimeRangeDto extends ConsistentQueryDto {
  @ApiPropertyOptional({ description: 'Entries that occurred at or after this ISO 8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date and time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Entries that occurred at or before this ISO 8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date and time' })
  to?: string;
}

/** The range as ISO instants (events store UTC times), checked for order. */
export function normalizedRange(query: { from?: string; to?: string }): { from?: string; to?: string } {
  const from = query.from ? new Date(query.from).toISOString() : undefined;
  const to = query.to ? new Date(query.to).toISOString() : undefined;
  if (from && to && from > to) throw badRequest('validation-failed', 'from must not be after to', [{ field: 'to', message: 'to must not be before from' }]);
  return { from, to };
}

export class AuditLogQueryDto extends TimeRangeDto {
  @PageField()
  page: number = 1;

  @PageSizeField()
  pageSize: PageSize = 25;

  @ApiPropertyOptional({ description: 'Only what this user (or "system") did' })
  @IsOptional()
  @Matches(ACTOR_ID, { message: 'actorId must be a user id or "system"' })
  actorId?: string;

  @ApiPropertyOptional({ description: 'Only what was done to this user, class or organization' })
  @IsOptional()
  @IsUUID('all', { message: 'targetId must be an id' })
  targetId?: string;

  @ApiPropertyOptional({ description: 'Event types, comma separated (for example UserEdited,UserDeactivated)', enum: AUDITED_EVENT_TYPES })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((t) => t.trim()).filter(Boolean) : value))
  @ArrayMaxSize(AUDITED_EVENT_TYPES.length)
  @IsIn(AUDITED_EVENT_TYPES as string[], { each: true, message: `type must be one or more of ${AUDITED_EVENT_TYPES.join(', ')}` })
  type?: string[];
}
