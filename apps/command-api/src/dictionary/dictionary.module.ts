import { Module } from '@nestjs/common';
import { DictionaryWrites } from './dictionary-writes.js';
import { DictionaryFilesController } from './importing-dictionary/dictionary-files.js';
import { DictionaryEntriesController } from './managing-entries/dictionary-entries.js';

/** Each organization's translation dictionary (issue 18). The files' routes come first: `import` and `export` are not entry ids. */
@Module({ controllers: [DictionaryFilesController, DictionaryEntriesController], providers: [DictionaryWrites] })
export class DictionaryModule {}
