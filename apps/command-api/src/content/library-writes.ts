import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { LibraryCommand, LibraryState } from '#domain';
import { HoldingWrites } from '../shared/write/holding-writes.js';
import { StreamCache } from '../shared/write/stream-cache.js';
import { libraryStream } from '../shared/write/stream-command.js';

/** Every write to an organization's content library (content/library.ts: activities hold their languages like dictionary entries). */
@Injectable()
export class LibraryWrites extends HoldingWrites<LibraryCommand, LibraryState> {
  constructor(commands: CommandBus, streams: StreamCache) {
    super(commands, streams, libraryStream, 'library');
  }
}
