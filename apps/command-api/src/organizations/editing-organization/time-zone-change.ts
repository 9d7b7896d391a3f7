import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { timeZoneChangeOf, type TimeZoneChange } from '#domain';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { learningDaysStream, libraryStream } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';

/** What a change of the organization's time zone moves (domain: organizations/changing-time-zone.ts), read on the library and the closed days as they are. */
@Injectable()
export class TimeZoneChanges {
  constructor(private readonly streams: StreamCache) {}

  async of(organizationId: string, before: string, after: string, now: string): Promise<TimeZoneChange> {
    const [library, days] = await Promise.all([this.streams.current(libraryStream(organizationId)), this.streams.current(learningDaysStream(organizationId))]);
    return timeZoneChangeOf({ library: library.state, before, after, now, lastClosed: days.state.lastClosed });
  }
}

// ---- The answer, as OpenAPI describes it ----------------------------------------------

class DueDto {
  @ApiProperty({ example: '2027-03-19' }) date!: string;
  @ApiProperty({ example: '17:00' }) time!: string;
  @ApiProperty({ example: 'America/New_York' }) timeZone!: string;
  @ApiProperty({ format: 'date-time', description: 'The instant the local date and time is in that zone' }) at!: string;
}

class MovedDueDateDto {
  @ApiProperty({ format: 'uuid' }) assignmentId!: string;
  @ApiProperty({ format: 'uuid' }) activityId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'members, team, class or everyone, as assigned' }) target!: Record<string, unknown>;
  @ApiProperty({ description: 'How many learners it is assigned to' }) learners!: number;
  @ApiProperty({ type: DueDto }) before!: DueDto;
  @ApiProperty({ type: DueDto, description: 'The same local date and time in the new zone' }) after!: DueDto;
}

class ShiftsDto {
  @ApiProperty({ description: 'Classes an assignment whose due date moves was given to' }) classes!: number;
  @ApiProperty({ description: 'Open assignments whose due date moves to another instant (due dates already passed stay)' }) assignments!: number;
  @ApiProperty({ description: "Their learners' due dates: each learner of each such assignment" }) dueDates!: number;
  @ApiProperty({ description: 'Of those assignments, the ones due at once in the new zone (their local time is already past there)' }) dueAtOnce!: number;
}

class DayClosingDto {
  @ApiProperty({ example: '2026-12-01', description: 'The next local date the closing of the day (Daily Review) closes' }) date!: string;
  @ApiProperty({ example: 'America/New_York' }) timeZone!: string;
  @ApiProperty({ format: 'date-time', description: 'When: the end of that local day, or now if that is past (it closes within a minute)' }) at!: string;
}

class NextDayClosingDto {
  @ApiProperty({ type: DayClosingDto }) before!: DayClosingDto;
  @ApiProperty({ type: DayClosingDto }) after!: DayClosingDto;
}

export class TimeZoneChangeDto {
  @ApiProperty({ example: 'Europe/London' }) before!: string;
  @ApiProperty({ example: 'America/New_York' }) after!: string;
  @ApiProperty({ type: ShiftsDto }) shifts!: ShiftsDto;
  @ApiProperty({ type: [MovedDueDateDto], description: 'The moved assignments, soonest due first (at most 100)' }) assignments!: MovedDueDateDto[];
  @ApiProperty({ type: NextDayClosingDto }) nextDayClosing!: NextDayClosingDto;
}

export class EditOrganizationResponse extends WriteResponse {
  @ApiPropertyOptional({ description: 'Present on a dry run: nothing was changed, and revision is the current version' }) dryRun?: boolean;
  @ApiPropertyOptional({ type: TimeZoneChangeDto, description: 'Present when the time zone changes: what the change moves (or would move, on a dry run)' })
  timeZoneChange?: TimeZoneChangeDto;
}
