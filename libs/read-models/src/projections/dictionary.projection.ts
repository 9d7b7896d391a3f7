import { DICTIONARY_EVENT_TYPES, type DictionaryEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, ORGANIZATION_PURGED, organizationRemoved, POSITION_FIELD, type Projection } from '../projector/projection.js';

export const DICTIONARY_ENTRIES = 'dictionary_entries_v1';

/** One entry of an organization's translation dictionary (issue 18). */
export interface DictionaryEntryDocument {
  _id: string;
  organizationId: string;
  term: string;
  /** Lower case: the sort, and what the search box matches. */
  termSort: string;
  translation: string;
  translationSearch: string;
  languageId: string;
  pronunciation: string | null;
  createdAt: string;
  updatedAt: string;
  /** The entry's own version: its ETag. */
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

const at = (event: RecordedEvent) => (event.metadata.occurredAt as string) ?? event.recordedAt;

/** The dictionaries' entries, as the dictionary's fold keeps them. */
export const dictionaryProjection: Projection = {
  name: 'dictionary',
  version: 1,
  collections: [{ name: DICTIONARY_ENTRIES, indexes: [{ keys: { organizationId: 1, termSort: 1 } }, { keys: { organizationId: 1, languageId: 1, termSort: 1 } }] }],
  canHandle: (event) => DICTIONARY_EVENT_TYPES.has(event.type as DictionaryEvent['type']) || event.type === ORGANIZATION_PURGED,
  project(recorded): CollectionWriteOp[] {
    if (recorded.type === ORGANIZATION_PURGED) return organizationRemoved(recorded, DICTIONARY_ENTRIES);
    const event = { type: recorded.type, data: recorded.data } as DictionaryEvent;
    switch (event.type) {
      case 'DictionaryEntryAdded': {
        const { organizationId, entryId, term, translation, languageId, pronunciation } = event.data;
        const doc = { organizationId, term, termSort: term.toLowerCase(), translation, translationSearch: translation.toLowerCase(), languageId, pronunciation, createdAt: at(recorded), updatedAt: at(recorded), version: 0 };
        return [{ collection: DICTIONARY_ENTRIES, updateOne: { filter: { _id: entryId }, update: { $setOnInsert: { ...doc, [POSITION_FIELD]: recorded.position } }, upsert: true } }];
      }
      case 'DictionaryEntryEdited': {
        const { term, translation, languageId, pronunciation } = event.data.entry;
        return [
          {
            collection: DICTIONARY_ENTRIES,
            updateOne: {
              filter: { _id: event.data.entryId, ...notYetApplied(recorded.position) },
              update: {
                $set: { term, termSort: term.toLowerCase(), translation, translationSearch: translation.toLowerCase(), languageId, pronunciation, updatedAt: at(recorded), [POSITION_FIELD]: recorded.position },
                $inc: { version: 1 },
              },
            },
          },
        ];
      }
      case 'DictionaryEntryRemoved':
        return [{ collection: DICTIONARY_ENTRIES, deleteOne: { filter: { _id: event.data.entryId } } }];
      case 'DictionaryPurged':
        return organizationRemoved(recorded, DICTIONARY_ENTRIES);
      default:
        // Holds and the import's summary change no entry.
        return [];
    }
  },
};
