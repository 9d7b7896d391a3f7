import { DICTIONARY_EVENT_TYPES, LANGUAGE_EVENT_TYPES, type DictionaryEvent, type LanguageEvent, type LibraryEvent, type MembershipEvent, type OrganizationEvent } from '#domain';
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
  /** Records using it now: organizations that teach it, classes taught in it, dictionary entries translated into it, activities in it. */
  usage: number;
  /** Dictionary entries that carry pronunciation text in it (what turning pronunciation off would hide). */
  pronunciationEntries?: number;
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

type Counted = 'usage' | 'pronunciationEntries';
type Deltas = Record<string, number>;

/**
 * Moves the counters of each language by its deltas, one write per language at most:
 * every write is guarded by the event's position, so a second write to the same
 * document for the same event would be skipped. Languages with the same deltas share one.
 */
function count(event: RecordedEvent, usage: Deltas, pronunciationEntries: Deltas = {}): CollectionWriteOp[] {
  const groups = new Map<string, { inc: Partial<Record<Counted, number>>; ids: string[] }>();
  for (const languageId of new Set([...Object.keys(usage), ...Object.keys(pronunciationEntries)])) {
    const inc: Partial<Record<Counted, number>> = {};
    if (usage[languageId]) inc.usage = usage[languageId];
    if (pronunciationEntries[languageId]) inc.pronunciationEntries = pronunciationEntries[languageId];
    if (Object.keys(inc).length === 0) continue;
    const key = JSON.stringify(inc);
    const group = groups.get(key) ?? { inc, ids: [] };
    group.ids.push(languageId);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ inc, ids }) => updateEachOnce(LANGUAGES, { _id: { $in: ids } }, event, { $inc: inc }));
}

const each = (ids: readonly string[], delta: number): Deltas => Object.fromEntries(ids.map((id) => [id, delta]));

/** +1 for the language after, -1 for the one before (either may be none). */
function moved(before: string | null | undefined, after: string | null | undefined): Deltas {
  const deltas: Deltas = {};
  if (before) deltas[before] = (deltas[before] ?? 0) - 1;
  if (after) deltas[after] = (deltas[after] ?? 0) + 1;
  return deltas;
}

const USAGE_EVENTS: ReadonlySet<string> = new Set(['OrganizationLanguagesChanged', 'OrganizationPurged', 'ClassCreated', 'ClassEdited', ...DICTIONARY_EVENT_TYPES, 'ActivityAdded', 'ActivityEdited', 'ActivityRemoved', 'LibraryPurged']);

/**
 * The languages and their usage. Usage is counted here, from the records themselves (the
 * catalogue's holds decide removals; they are not records): each organization that
 * teaches a language, each class taught in it, each dictionary entry translated into it.
 */
export const languagesProjection: Projection = {
  name: 'languages',
  version: 1,
  collections: [{ name: LANGUAGES, indexes: [{ keys: { nameSort: 1 } }, { keys: { usage: -1, nameSort: 1 } }] }],
  canHandle: (event) => LANGUAGE_EVENT_TYPES.has(event.type as LanguageEvent['type']) || USAGE_EVENTS.has(event.type),
  project(recorded) {
    const event = { type: recorded.type, data: recorded.data } as LanguageEvent | OrganizationEvent | Extract<MembershipEvent, { type: 'ClassCreated' | 'ClassEdited' }> | DictionaryEvent | LibraryEvent;
    switch (event.type) {
      case 'LanguageAdded': {
        const { languageId, name, code, supportsPronunciation, representationLabel } = event.data;
        return [
          {
            collection: LANGUAGES,
            updateOne: {
              filter: { _id: languageId },
              update: { $setOnInsert: { name, nameSort: name.toLowerCase(), code, supportsPronunciation, representationLabel, usage: 0, pronunciationEntries: 0, version: 0, [POSITION_FIELD]: recorded.position } },
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
        const { before, after, archivedClassesCleared } = event.data;
        const deltas = { ...each(before.filter((id) => !after.includes(id)), -1), ...each(after.filter((id) => !before.includes(id)), 1) };
        for (const { languageId } of archivedClassesCleared ?? []) deltas[languageId] = (deltas[languageId] ?? 0) - 1;
        return count(recorded, deltas);
      }
      case 'OrganizationPurged': {
        const deltas = each(event.data.languageIds ?? [], -1);
        for (const [languageId, n] of Object.entries(event.data.classLanguages ?? {})) deltas[languageId] = (deltas[languageId] ?? 0) - n;
        return count(recorded, deltas);
      }
      case 'ClassCreated':
        return count(recorded, moved(null, event.data.languageId));
      case 'ClassEdited':
        return event.data.changes.languageId ? count(recorded, moved(event.data.changes.languageId.before, event.data.changes.languageId.after)) : [];
      case 'DictionaryEntryAdded':
        return count(recorded, moved(null, event.data.languageId), event.data.pronunciation ? moved(null, event.data.languageId) : {});
      case 'DictionaryEntryEdited': {
        const { languageId, pronunciation } = event.data.changes;
        const after = event.data.entry;
        const before = { languageId: languageId ? languageId.before : after.languageId, pronunciation: pronunciation ? pronunciation.before : after.pronunciation };
        return count(recorded, languageId ? moved(languageId.before, languageId.after) : {}, moved(before.pronunciation ? before.languageId : null, after.pronunciation ? after.languageId : null));
      }
      case 'DictionaryEntryRemoved':
        return count(recorded, moved(event.data.languageId, null), event.data.hadPronunciation ? moved(event.data.languageId, null) : {});
      case 'DictionaryPurged': {
        const negative = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).map(([id, n]) => [id, -n]));
        return count(recorded, negative(event.data.entries), negative(event.data.pronunciations ?? {}));
      }
      case 'ActivityAdded':
        return count(recorded, moved(null, event.data.languageId));
      case 'ActivityEdited': {
        const change = event.data.changes.languageId as { before: string | null; after: string | null } | undefined;
        return change ? count(recorded, moved(change.before, change.after)) : [];
      }
      case 'ActivityRemoved':
        return count(recorded, moved(event.data.languageId, null));
      case 'LibraryPurged':
        return count(recorded, Object.fromEntries(Object.entries(event.data.activities).map(([id, n]) => [id, -n])));
      default:
        // Holds come and go in the catalogue and the dictionary; usage counts the records themselves.
        return [];
    }
  },
};
