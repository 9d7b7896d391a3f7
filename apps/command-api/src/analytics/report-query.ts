import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ReportFormatField, type ReportFormat } from './report-export.js';
import { addDays, localDateOf, PERIOD_KINDS, type PeriodKind } from '#domain';
import { ConsistentQueryDto } from '../shared/read-your-writes.js';

/** A report's period: a day, ISO week or month of the organization's time zone, named by a date in it. */
export class ReportQueryDto extends ConsistentQueryDto {
  @ApiPropertyOptional({ enum: PERIOD_KINDS, default: 'week' })
  @IsOptional()
  @IsIn(PERIOD_KINDS as unknown as string[], { message: `period must be one of ${PERIOD_KINDS.join(', ')}` })
  period: PeriodKind = 'week';

  @ApiPropertyOptional({ description: "A date in the period (YYYY-MM-DD, in the organization's time zone); by default the last closed day, yesterday" })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'date must be a date, YYYY-MM-DD' })
  date?: string;

  @ReportFormatField()
  format: ReportFormat = 'json';
}

/** The date a report is about when its query names none: yesterday in the organization's zone, the last closed day. */
export const reportDate = (query: Pick<ReportQueryDto, 'date'>, timeZone: string, now: number): string => query.date ?? addDays(localDateOf(now, timeZone), -1);
