import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { DictionaryCommand, DictionaryState } from '#domain';
import { HoldingWrites } from '../shared/write/holding-writes.js';
import { StreamCache } from '../shared/write/stream-cache.js';
import { dictionaryStream } from '../shared/write/stream-command.js';

/** Every write to a dictionary (dictionary.ts explains its holds on languages). */
@Injectable()
export class DictionaryWrites extends HoldingWrites<DictionaryCommand, DictionaryState> {
  constructor(commands: CommandBus, streams: StreamCache) {
    super(commands, streams, dictionaryStream, 'dictionary');
  }
}
