import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PAGE_SIZES, type PageSize } from '#read-models';
import { ConsistentQueryDto } from './read-your-writes.js';

/** Far past any real list (a million pages of 100): deeper pages are refused, not scanned. */
export const MAX_PAGE = 1_000_000;

/** Query numbers are plain decimal digits: `0x10`, `1e3` and ` 2` are refused, not reinterpreted. */
export const DecimalNumber = () => Transform(({ value }) => (typeof value === 'string' && /^[0-9]{1,16}$/.test(value) ? Number(value) : value));

/** `page` (from 1) and `pageSize` (10, 25, 50, 100), as every list takes them. */
export const PageField = () =>
  applyDecorators(
    ApiPropertyOptional({ default: 1, minimum: 1, maximum: MAX_PAGE }),
    IsOptional(),
    DecimalNumber(),
    IsInt({ message: 'page must be a whole number' }),
    Min(1, { message: 'page must be 1 or more' }),
    // 1e308 is an integer to JavaScript; a skip that large is no page anyone can read.
    Max(MAX_PAGE, { message: `page must be at most ${MAX_PAGE}` }),
  );
export const PageSizeField = () =>
  applyDecorators(
    ApiPropertyOptional({ enum: PAGE_SIZES, default: 25 }),
    IsOptional(),
    DecimalNumber(),
    IsIn(PAGE_SIZES as unknown as number[], { message: `pageSize must be one of ${PAGE_SIZES.join(', ')}` }),
  );

export class PageQueryDto extends ConsistentQueryDto {
  @PageField()
  page: number = 1;

  @PageSizeField()
  pageSize: PageSize = 25;

  @ApiPropertyOptional({ description: 'Case-insensitive substring' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  search?: string;
}
