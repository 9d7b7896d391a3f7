import { ApiProperty } from '@nestjs/swagger';

/** The body of every successful write: the resource's new version (also its ETag) and where the log is. */
export class WriteResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The resource\'s version after the write; the ETag header carries it too, for If-Match' }) revision!: number;
  @ApiProperty({ description: 'Log position of the write: pass it as minPosition (or X-Min-Position) to read your own write' }) position!: number;
}
