import { LANGUAGE_EVENT_TYPES, type LanguageEvent, type OrganizationEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, POSITION_FIELD, updateEachOnce, type Projection } from '../projector/projection.js';

export const LANGUAGES = 'languages_v1';

/** The platform's languages with their usage: the number of records that use each (issue 18). */
export interface LanguageDocument {
  _id: string;
  name: string;
  nameSort: string;
  code: string;
  supportsPronunciation: boolean;
  representationLabel: string | null;
  /** Records using it now: organizations that teach it (classes and dictionary entries count too once they can name one). */
  usage: number;
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

const usage = (event: RecordedEvent, languageIds: string[], delta: 1 | -1): CollectionWriteOp[] =>
  languageIds.length ? [updateEachOnce(LANGUAGES, { _id: { $in: languageIds } }, event, { $inc: { usage: delta } })] : [];

export const languagesProjection: Projection = {
  name: 'languages',
  version: 1,
  collections: [{ name: LANGUAGES, indexes: [{ keys: { nameSort: 1 } }, { keys: { usage: -1, nameSort: 1 } }] }],
  canHandle: (event) => LANGUAGE_EVENT_TYPES.has(event.type as LanguageEvent['type']) || event.type === 'OrganizationLanguagesChanged' || event.type === 'OrganizationPurged',
  project(recorded) {
    const event = { type: recorded.type, data: recorded.data } as LanguageEvent | OrganizationEvent;
    switch (event.type) {
      case 'LanguageAdded': {
        const { languageId, name, code, supportsPronunciation, representationLabel } = event.data;
        return [
          {
            collection: LANGUAGES,
            updateOne: {
              filter: { _id: languageId },
              update: { $setOnInsert: { name, nameSort: name.toLowerCase(), code, supportsPronunciation, representationLabel, usage: 0, version: 0, [POSITION_FIELD]: recorded.position } },
              upsert: true,
            },
          },
        ];
      }
      case 'LanguageEdited': {
        const { languageId, language } = event.data;
        return [
          {
            collection: LANGUAGES,
            updateOne: {
              filter: { _id: languageId, ...notYetApplied(recorded.position) },
              update: { $set: { ...language, nameSort: language.name.toLowerCase(), [POSITION_FIELD]: recorded.position }, $inc: { version: 1 } },
            },
          },
        ];
      }
      case 'LanguageRemoved':
        return [{ collection: LANGUAGES, deleteOne: { filter: { _id: event.data.languageId } } }];
      case 'OrganizationLanguagesChanged': {
        const { before, after } = event.data;
        return [...usage(recorded, after.filter((id) => !before.includes(id)), 1), ...usage(recorded, before.filter((id) => !after.includes(id)), -1)];
      }
      case 'OrganizationPurged':
        return usage(recorded, event.data.languageIds ?? [], -1);
      default:
        // Holders come and go in the catalogue; usage counts the records themselves.
        return [];
    }
  },
};
