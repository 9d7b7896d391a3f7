import { assertNever, eventTypes, type Decider, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed, type FieldError } from '../shared/domain-error.js';
import { PersistentMap } from '../shared/persistent-map.js';
import { lengthOf } from '../shared/validation.js';
import { around, countsOf, countUses, evolveHolds, HoldDelta, isHoldEvent, letGoOfAll, type LanguageHoldEvent, type LanguageHolds } from '../languages/language-holds.js';

/**
 * An organization's translation dictionary (organization-management guide, Organization
 * Details: "Translations → Manage translation dictionary"; issue 18): a term in the
 * organization's default language, its translation in another language the organization
 * teaches, and the pronunciation or romanization text when that language has one.
 *
 * One stream per organization, apart from its members: a dictionary of thousands of
 * entries neither slows the organization's own commands nor waits for them.
 *
 * The dictionary holds each language it has entries in, in the platform's catalogue,
 * by a key of its own, and a second key for each language its entries carry
 * pronunciation text in. Both are decided here, on this stream: the first entry in a
 * language adopts the key the process held it by (LanguageHoldAdopted, languages/language-holds.ts), the last one
 * gone lets go of it (LanguageHoldLetGo), and the process then releases that very
 * key. An entry and a removal of its language never both succeed, and turning a
 * language's pronunciation off is refused while any dictionary holds it for that.
 */
export const dictionaryStreamName = (organizationId: string): string => `dictionary-${organizationId}`;

export const DICTIONARY_RULES = { termMax: 200, translationMax: 200, pronunciationMax: 200, importRowsMax: 5_000 } as const;

export interface DictionaryEntry {
  id: string;
  term: string;
  translation: string;
  languageId: string;
  pronunciation: string | null;
  version: number;
}

export interface EntryFields {
  term: string;
  translation: string;
  languageId: string;
  pronunciation: string | null;
}

/** What the dictionary's rules read of elsewhere: the languages the organization teaches (its default first). */
export interface DictionaryContext {
  organizationLanguageIds: readonly string[];
}

export interface DictionaryState {
  organizationId: string | null;
  entries: PersistentMap<DictionaryEntry>;
  /** termKey(term, language) -> entry id: a term has one translation per language. */
  terms: PersistentMap<string>;
  /** The keys the dictionary holds its languages by, and how many entries need each (languages/language-holds.ts). */
  holds: LanguageHolds;
}

export interface NewEntry {
  entryId: string;
  term: string;
  translation: string;
  languageId: string;
  pronunciation?: string | null;
}

export type DictionaryCommand =
  /** `holders`: fresh keys by holdSlot, held in the catalogue by the process, for the languages the dictionary may start to hold. */
  | { type: 'AddDictionaryEntry'; data: NewEntry & DictionaryContext & { organizationId: string; holders: Record<string, string> } }
  /** A merge patch; `pronunciation: null` clears the text. */
  | { type: 'EditDictionaryEntry'; data: { organizationId: string; entryId: string; term?: string; translation?: string; languageId?: string; pronunciation?: string | null; holders: Record<string, string> } & DictionaryContext }
  | { type: 'RemoveDictionaryEntry'; data: { organizationId: string; entryId: string } }
  /** A whole file at once (the import): new terms are added, known ones updated, every row checked first; nothing is written unless all are good. */
  | { type: 'ImportDictionary'; data: { organizationId: string; rows: (NewEntry & { line: number })[]; fileName: string | null; holders: Record<string, string> } & DictionaryContext }
  /** The organization was purged: the dictionary goes with it (its events stay). */
  | { type: 'PurgeDictionary'; data: { organizationId: string } };

type WithOrg<T> = T & { organizationId: string };
type Change<T> = { before: T; after: T };

export type DictionaryEvent =
  | LanguageHoldEvent
  | DomainEvent<'DictionaryEntryAdded', WithOrg<{ entryId: string } & EntryFields>>
  | DomainEvent<'DictionaryEntryEdited', WithOrg<{ entryId: string; changes: { [K in keyof EntryFields]?: Change<EntryFields[K]> }; entry: EntryFields }>>
  | DomainEvent<'DictionaryEntryRemoved', WithOrg<{ entryId: string; term: string; languageId: string; hadPronunciation: boolean }>>
  | DomainEvent<'DictionaryImported', WithOrg<{ fileName: string | null; added: number; updated: number; unchanged: number }>>
  /** How many entries it had in each language, and how many with pronunciation text (the usage counts drop by them). */
  | DomainEvent<'DictionaryPurged', WithOrg<{ entries: Record<string, number>; pronunciations: Record<string, number> }>>;

export const DICTIONARY_EVENT_TYPES = eventTypes<DictionaryEvent>({
  LanguageHoldAdopted: true,
  LanguageHoldLetGo: true,
  DictionaryEntryAdded: true,
  DictionaryEntryEdited: true,
  DictionaryEntryRemoved: true,
  DictionaryImported: true,
  DictionaryPurged: true,
});

/** Terms compare as a person reads them: case and Unicode form aside. */
export const termKey = (term: string, languageId: string): string => `${term.normalize('NFC').toLowerCase()}\u0000${languageId}`;

// ---- Checking entries ----------------------------------------------------------------

const text = (value: unknown): string | null => (typeof value === 'string' ? value.normalize('NFC').trim() : null);

/**
 * The fields of an entry, checked: every problem at once, each on its field. Terms are
 * in the organization's default language; translations in another language it teaches.
 */
export function checkEntry(input: { term?: unknown; translation?: unknown; languageId?: unknown; pronunciation?: unknown }, context: DictionaryContext): { fields?: EntryFields; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const term = text(input.term);
  const translation = text(input.translation);
  const pronunciation = input.pronunciation === undefined || input.pronunciation === null ? '' : text(input.pronunciation);
  if (!term) errors.push({ field: 'term', message: 'term is required' });
  else if (lengthOf(term) > DICTIONARY_RULES.termMax) errors.push({ field: 'term', message: `term must be at most ${DICTIONARY_RULES.termMax} characters` });
  if (!translation) errors.push({ field: 'translation', message: 'translation is required' });
  else if (lengthOf(translation) > DICTIONARY_RULES.translationMax) errors.push({ field: 'translation', message: `translation must be at most ${DICTIONARY_RULES.translationMax} characters` });
  if (pronunciation === null) errors.push({ field: 'pronunciation', message: 'pronunciation must be text' });
  else if (lengthOf(pronunciation) > DICTIONARY_RULES.pronunciationMax) errors.push({ field: 'pronunciation', message: `pronunciation must be at most ${DICTIONARY_RULES.pronunciationMax} characters` });
  const [defaultLanguage, ...others] = context.organizationLanguageIds;
  if (defaultLanguage === undefined) errors.push({ field: 'languageId', message: 'the organization teaches no languages yet: set them first, its default language first (PUT /organizations/{orgId}/languages)' });
  else if (typeof input.languageId !== 'string' || !others.includes(input.languageId))
    errors.push({
      field: 'languageId',
      message: input.languageId === defaultLanguage ? 'terms are in the default language; translate them into another language the organization teaches' : 'languageId must be a language the organization teaches, other than its default',
    });
  if (errors.length > 0) return { errors };
  return { fields: { term: term!, translation: translation!, languageId: input.languageId as string, pronunciation: pronunciation || null }, errors };
}

export function dictionaryEntry(state: DictionaryState, entryId: string): DictionaryEntry {
  const found = state.entries.get(entryId);
  if (!found) throw new DomainError('dictionary-entry-not-found', 'No such entry in the dictionary');
  return found;
}

const termTaken = (fields: EntryFields) =>
  new DomainError('dictionary-entry-exists', `The dictionary already translates "${fields.term}" into this language; edit that entry`, {
    errors: [{ field: 'term', message: 'the dictionary has this term in this language already' }],
  });

// ---- Decide -----------------------------------------------------------------------------

/** What one row of an import does, or why it cannot. */
export type ImportRowPlan = { line: number; action: 'add' | 'update' | 'unchanged'; entryId: string; fields: EntryFields } | { line: number; action: 'error'; errors: FieldError[] };

/**
 * The plan of an import, row by row: the dry run shows it, the import applies it only when
 * no row has an error. A term twice in one file for one language is an error on the second.
 */
export function planDictionaryImport(state: DictionaryState, rows: (NewEntry & { line: number })[], context: DictionaryContext): ImportRowPlan[] {
  const seen = new Map<string, number>();
  return rows.map((row): ImportRowPlan => {
    const { fields, errors } = checkEntry(row, context);
    if (!fields) return { line: row.line, action: 'error', errors };
    const key = termKey(fields.term, fields.languageId);
    const earlier = seen.get(key);
    if (earlier !== undefined) return { line: row.line, action: 'error', errors: [{ field: 'term', message: `the file translates this term into this language already, on line ${earlier}` }] };
    seen.set(key, row.line);
    const existingId = state.terms.get(key);
    const existing = existingId ? state.entries.get(existingId) : undefined;
    if (!existing) return { line: row.line, action: 'add', entryId: row.entryId, fields };
    const same = existing.term === fields.term && existing.translation === fields.translation && existing.pronunciation === fields.pronunciation;
    return { line: row.line, action: same ? 'unchanged' : 'update', entryId: existing.id, fields };
  });
}

function edited(existing: DictionaryEntry, after: EntryFields, organizationId: string): DictionaryEvent | null {
  const before: EntryFields = { term: existing.term, translation: existing.translation, languageId: existing.languageId, pronunciation: existing.pronunciation };
  const changes: Record<string, Change<unknown>> = {};
  for (const key of Object.keys(after) as (keyof EntryFields)[]) if (after[key] !== before[key]) changes[key] = { before: before[key], after: after[key] };
  if (Object.keys(changes).length === 0) return null;
  return { type: 'DictionaryEntryEdited', data: { organizationId, entryId: existing.id, changes, entry: after } };
}

export function decideDictionary(command: DictionaryCommand, state: DictionaryState): DictionaryEvent[] {
  const { organizationId } = command.data;
  switch (command.type) {
    case 'AddDictionaryEntry': {
      const { fields, errors } = checkEntry(command.data, command.data);
      if (!fields) throw new ValidationFailed('invalid-dictionary-entry', errors);
      if (state.entries.has(command.data.entryId)) throw new DomainError('dictionary-entry-exists', 'An entry with this id already exists');
      if (state.terms.has(termKey(fields.term, fields.languageId))) throw termTaken(fields);
      const holds = new HoldDelta().add(fields, 1).events(state.holds, command.data.holders, organizationId);
      return around<DictionaryEvent>(holds, [{ type: 'DictionaryEntryAdded', data: { organizationId, entryId: command.data.entryId, ...fields } }]);
    }
    case 'EditDictionaryEntry': {
      const existing = dictionaryEntry(state, command.data.entryId);
      const merged = {
        term: command.data.term ?? existing.term,
        translation: command.data.translation ?? existing.translation,
        languageId: command.data.languageId ?? existing.languageId,
        pronunciation: command.data.pronunciation === undefined ? existing.pronunciation : command.data.pronunciation,
      };
      // A language the organization has stopped teaching stays valid for the entries already in it.
      const context = merged.languageId === existing.languageId && !command.data.organizationLanguageIds.includes(existing.languageId)
        ? { organizationLanguageIds: [...command.data.organizationLanguageIds.slice(0, 1), existing.languageId] }
        : command.data;
      const { fields, errors } = checkEntry(merged, context);
      if (!fields) throw new ValidationFailed('invalid-dictionary-entry', errors);
      const other = state.terms.get(termKey(fields.term, fields.languageId));
      if (other !== undefined && other !== existing.id) throw termTaken(fields);
      const event = edited(existing, fields, organizationId);
      if (!event) return [];
      return around<DictionaryEvent>(new HoldDelta().add(existing, -1).add(fields, 1).events(state.holds, command.data.holders, organizationId), [event]);
    }
    case 'RemoveDictionaryEntry': {
      const existing = dictionaryEntry(state, command.data.entryId);
      return around<DictionaryEvent>(new HoldDelta().add(existing, -1).events(state.holds, {}, organizationId), [
        { type: 'DictionaryEntryRemoved', data: { organizationId, entryId: existing.id, term: existing.term, languageId: existing.languageId, hadPronunciation: existing.pronunciation !== null } },
      ]);
    }
    case 'ImportDictionary': {
      if (command.data.rows.length > DICTIONARY_RULES.importRowsMax)
        throw new ValidationFailed('invalid-dictionary-import', [{ field: 'file', message: `the file has more than ${DICTIONARY_RULES.importRowsMax} rows; split it` }]);
      const plan = planDictionaryImport(state, command.data.rows, command.data);
      const failed = plan.filter((p): p is Extract<ImportRowPlan, { action: 'error' }> => p.action === 'error');
      if (failed.length > 0)
        throw new ValidationFailed(
          'invalid-dictionary-import',
          failed.flatMap((p) => p.errors.map((e) => ({ field: e.field, line: p.line, message: `line ${p.line}: ${e.message}` }))),
        );
      const delta = new HoldDelta();
      const changes: DictionaryEvent[] = [];
      for (const row of plan) {
        if (row.action === 'error' || row.action === 'unchanged') continue;
        if (row.action === 'add') {
          delta.add(row.fields, 1);
          changes.push({ type: 'DictionaryEntryAdded', data: { organizationId, entryId: row.entryId, ...row.fields } });
        } else {
          const existing = state.entries.get(row.entryId)!;
          delta.add(existing, -1).add(row.fields, 1);
          changes.push(edited(existing, row.fields, organizationId)!);
        }
      }
      const added = plan.filter((p) => p.action === 'add').length;
      const updated = plan.filter((p) => p.action === 'update').length;
      const summary: DictionaryEvent = { type: 'DictionaryImported', data: { organizationId, fileName: command.data.fileName, added, updated, unchanged: plan.length - added - updated } };
      return [...around(delta.events(state.holds, command.data.holders, organizationId), changes), summary];
    }
    case 'PurgeDictionary': {
      if (state.entries.size === 0 && Object.keys(state.holds).length === 0) return [];
      return [...letGoOfAll(state.holds, organizationId), { type: 'DictionaryPurged', data: { organizationId, entries: countsOf(state.holds, 'use'), pronunciations: countsOf(state.holds, 'pronunciation') } }];
    }
    default:
      return assertNever(command);
  }
}

// ---- Evolve -----------------------------------------------------------------------------

export function evolveDictionary(state: DictionaryState, event: DictionaryEvent): DictionaryState {
  const organizationId = state.organizationId ?? event.data.organizationId;
  if (isHoldEvent(event)) return { ...state, organizationId, holds: evolveHolds(state.holds, event) };
  let { entries, terms, holds } = state;
  switch (event.type) {
    case 'DictionaryEntryAdded': {
      const { organizationId: _org, entryId, ...fields } = event.data;
      entries = entries.set(entryId, { id: entryId, ...fields, version: 0 });
      terms = terms.set(termKey(fields.term, fields.languageId), entryId);
      holds = countUses(holds, [{ use: fields, by: 1 }]);
      break;
    }
    case 'DictionaryEntryEdited': {
      const existing = entries.get(event.data.entryId);
      if (!existing) break;
      entries = entries.set(existing.id, { ...existing, ...event.data.entry, version: existing.version + 1 });
      terms = terms.delete(termKey(existing.term, existing.languageId)).set(termKey(event.data.entry.term, event.data.entry.languageId), existing.id);
      holds = countUses(holds, [
        { use: existing, by: -1 },
        { use: event.data.entry, by: 1 },
      ]);
      break;
    }
    case 'DictionaryEntryRemoved': {
      const existing = entries.get(event.data.entryId);
      if (!existing) break;
      entries = entries.delete(existing.id);
      terms = terms.delete(termKey(existing.term, existing.languageId));
      holds = countUses(holds, [{ use: existing, by: -1 }]);
      break;
    }
    case 'DictionaryImported':
      break;
    case 'DictionaryPurged':
      return { organizationId, entries: PersistentMap.empty(), terms: PersistentMap.empty(), holds: {} };
    default:
      return assertNever(event);
  }
  return { organizationId, entries, terms, holds };
}

export const dictionaryDecider: Decider<DictionaryCommand, DictionaryEvent, DictionaryState> = {
  initialState: () => ({ organizationId: null, entries: PersistentMap.empty(), terms: PersistentMap.empty(), holds: {} }),
  evolve: evolveDictionary,
  decide: decideDictionary,
};

/** An entry's version, for its ETag. */
export const dictionaryEntryVersion = (entryId: string) => (state: DictionaryState): number | undefined => state.entries.get(entryId)?.version;
