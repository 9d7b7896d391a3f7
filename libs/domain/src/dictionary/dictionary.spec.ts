import { describe, expect, test } from '@jest/globals';
import { fold } from '../shared/decider.js';
import { deciderSpec } from '../testing/given-when-then.js';
import { slotsNeeded } from '../languages/language-holds.js';
import { dictionaryDecider, planDictionaryImport, type DictionaryEvent } from './dictionary.js';

/**
 * The translation dictionary (organization-management guide: "Translations → Manage
 * translation dictionary"; issue 18), each rule as given/when/then. The organization
 * teaches English (its default), Ojibwe and Japanese.
 */
const spec = deciderSpec(dictionaryDecider);
const org = 'o1';
const taught = { organizationLanguageIds: ['en', 'oj', 'ja'] };
const held = (languageId: string, holder: string, holdFor: 'use' | 'pronunciation' = 'use'): DictionaryEvent => ({ type: 'LanguageHoldAdopted', data: { organizationId: org, languageId, holder, for: holdFor } });
const letGo = (languageId: string, holder: string, holdFor: 'use' | 'pronunciation' = 'use'): DictionaryEvent => ({ type: 'LanguageHoldLetGo', data: { organizationId: org, languageId, holder, for: holdFor } });
const added = (entryId: string, term: string, translation: string, languageId = 'oj', pronunciation: string | null = null): DictionaryEvent => ({
  type: 'DictionaryEntryAdded',
  data: { organizationId: org, entryId, term, translation, languageId, pronunciation },
});
const add = (entryId: string, term: string, translation: string, languageId = 'oj', pronunciation?: string | null, holders: Record<string, string> = {}) => ({
  type: 'AddDictionaryEntry' as const,
  data: { organizationId: org, entryId, term, translation, languageId, pronunciation, holders, ...taught },
});
/** "Hello" in Ojibwe with its pronunciation: the dictionary holds Ojibwe, and its pronunciation text. */
const hello: DictionaryEvent[] = [held('oj', 'k1'), held('oj', 'p1', 'pronunciation'), added('e1', 'Hello', 'Boozhoo', 'oj', 'boo-zhoo')];

describe('Dictionary entries', () => {
  test('the first entry in a language adopts the key the process held it by, and one for its pronunciation text', () => {
    spec([]).when(add('e1', ' Hello ', ' Boozhoo ', 'oj', 'boo-zhoo', { oj: 'k1', 'oj#pronunciation': 'p1' })).then(hello);
  });

  test('a second entry in a held language holds nothing more', () => {
    spec(hello).when(add('e2', 'Thank you', 'Miigwech', 'oj', null, { oj: 'unused' })).then([added('e2', 'Thank you', 'Miigwech')]);
  });

  test('a language no longer held since the process read is a conflict to try again (never an entry without a hold)', () => {
    spec([]).when(add('e1', 'Hello', 'Boozhoo', 'oj')).thenFails('concurrency-conflict', { kind: 'conflict' });
  });

  test('terms are in the default language; translations in another language the organization teaches', () => {
    spec([]).when(add('e1', 'Hello', 'Hello', 'en')).thenFails('invalid-dictionary-entry', { fields: ['languageId'] });
    spec([]).when(add('e1', 'Hello', 'Bonjour', 'fr')).thenFails('invalid-dictionary-entry', { fields: ['languageId'] });
    spec([])
      .when({ type: 'AddDictionaryEntry', data: { organizationId: org, entryId: 'e1', term: 'Hello', translation: 'Boozhoo', languageId: 'oj', holders: {}, organizationLanguageIds: [] } })
      .thenFails('invalid-dictionary-entry', { fields: ['languageId'] });
  });

  test('term and translation are required, every field at most 200, every problem at once', () => {
    spec([]).when(add('e1', ' ', 'x'.repeat(201), 'oj', 'p'.repeat(201))).thenFails('invalid-dictionary-entry', { kind: 'invalid', fields: ['term', 'translation', 'pronunciation'] });
  });

  test('one translation of a term per language, whatever the case', () => {
    spec(hello).when(add('e2', 'HELLO', 'Aaniin', 'oj')).thenFails('dictionary-entry-exists', { kind: 'conflict', fields: ['term'] });
    spec(hello).when(add('e2', 'Hello', 'Konnichiwa', 'ja', null, { ja: 'k2' })).then([held('ja', 'k2'), added('e2', 'Hello', 'Konnichiwa', 'ja')]);
  });

  test('editing records before and after; moving to another language holds the new one and lets go of the old', () => {
    spec(hello).when({ type: 'EditDictionaryEntry', data: { organizationId: org, entryId: 'e1', translation: 'Aaniin', holders: {}, ...taught } }).then([
      { type: 'DictionaryEntryEdited', data: { organizationId: org, entryId: 'e1', changes: { translation: { before: 'Boozhoo', after: 'Aaniin' } }, entry: { term: 'Hello', translation: 'Aaniin', languageId: 'oj', pronunciation: 'boo-zhoo' } } },
    ]);
    spec(hello).when({ type: 'EditDictionaryEntry', data: { organizationId: org, entryId: 'e1', translation: 'Konnichiwa', languageId: 'ja', pronunciation: null, holders: { ja: 'k2' }, ...taught } }).then([
      held('ja', 'k2'),
      {
        type: 'DictionaryEntryEdited',
        data: {
          organizationId: org,
          entryId: 'e1',
          changes: { translation: { before: 'Boozhoo', after: 'Konnichiwa' }, languageId: { before: 'oj', after: 'ja' }, pronunciation: { before: 'boo-zhoo', after: null } },
          entry: { term: 'Hello', translation: 'Konnichiwa', languageId: 'ja', pronunciation: null },
        },
      },
      letGo('oj', 'k1'),
      letGo('oj', 'p1', 'pronunciation'),
    ]);
  });

  test('clearing the last pronunciation text in a language lets go of that hold only', () => {
    spec(hello).when({ type: 'EditDictionaryEntry', data: { organizationId: org, entryId: 'e1', pronunciation: null, holders: {}, ...taught } }).then([
      { type: 'DictionaryEntryEdited', data: { organizationId: org, entryId: 'e1', changes: { pronunciation: { before: 'boo-zhoo', after: null } }, entry: { term: 'Hello', translation: 'Boozhoo', languageId: 'oj', pronunciation: null } } },
      letGo('oj', 'p1', 'pronunciation'),
    ]);
  });

  test('an entry in a language the organization stopped teaching can still be edited in it', () => {
    spec(hello).when({ type: 'EditDictionaryEntry', data: { organizationId: org, entryId: 'e1', translation: 'Aaniin', holders: {}, organizationLanguageIds: ['en', 'ja'] } }).then([
      { type: 'DictionaryEntryEdited', data: { organizationId: org, entryId: 'e1', changes: { translation: { before: 'Boozhoo', after: 'Aaniin' } }, entry: { term: 'Hello', translation: 'Aaniin', languageId: 'oj', pronunciation: 'boo-zhoo' } } },
    ]);
  });

  test('removing the last entry in a language lets go of its holds; removing one of several keeps them', () => {
    spec(hello).when({ type: 'RemoveDictionaryEntry', data: { organizationId: org, entryId: 'e1' } }).then([
      { type: 'DictionaryEntryRemoved', data: { organizationId: org, entryId: 'e1', term: 'Hello', languageId: 'oj', hadPronunciation: true } },
      letGo('oj', 'k1'),
      letGo('oj', 'p1', 'pronunciation'),
    ]);
    spec([...hello, added('e2', 'Thank you', 'Miigwech')]).when({ type: 'RemoveDictionaryEntry', data: { organizationId: org, entryId: 'e2' } }).then([
      { type: 'DictionaryEntryRemoved', data: { organizationId: org, entryId: 'e2', term: 'Thank you', languageId: 'oj', hadPronunciation: false } },
    ]);
    spec(hello).when({ type: 'RemoveDictionaryEntry', data: { organizationId: org, entryId: 'nope' } }).thenFails('dictionary-entry-not-found', { kind: 'not-found' });
  });

  test('after a let-go the next entry in the language needs a fresh hold (the old key is gone)', () => {
    const emptied: DictionaryEvent[] = [...hello, { type: 'DictionaryEntryRemoved', data: { organizationId: org, entryId: 'e1', term: 'Hello', languageId: 'oj', hadPronunciation: true } }, letGo('oj', 'k1'), letGo('oj', 'p1', 'pronunciation')];
    const state = fold(dictionaryDecider, emptied);
    expect(slotsNeeded([{ languageId: 'oj', pronunciation: null }], state.holds)).toEqual([{ languageId: 'oj', holdFor: 'use' }]);
    spec(emptied).when(add('e2', 'Hello', 'Boozhoo', 'oj', null, { oj: 'k3' })).then([held('oj', 'k3'), added('e2', 'Hello', 'Boozhoo')]);
  });
});

describe('Importing a dictionary file', () => {
  const rows = [
    { line: 2, entryId: 'n1', term: 'Hello', translation: 'Aaniin', languageId: 'oj', pronunciation: 'aa-niin' },
    { line: 3, entryId: 'n2', term: 'Water', translation: 'Nibi', languageId: 'oj' },
    { line: 4, entryId: 'n3', term: 'Water', translation: 'Mizu', languageId: 'ja' },
  ];

  test('the dry run plans every row: new terms added, known ones updated, the same left unchanged', () => {
    const state = fold(dictionaryDecider, [...hello, added('e2', 'Water', 'Nibi')]);
    expect(planDictionaryImport(state, rows, taught).map((p) => [p.line, p.action, 'entryId' in p ? p.entryId : null])).toEqual([
      [2, 'update', 'e1'],
      [3, 'unchanged', 'e2'],
      [4, 'add', 'n3'],
    ]);
  });

  test('a bad row fails the whole file with every error and its line; nothing is written', () => {
    const bad = [...rows, { line: 5, entryId: 'n4', term: '', translation: 'x', languageId: 'fr' }, { line: 6, entryId: 'n5', term: 'water', translation: 'Nibi again', languageId: 'oj' }];
    spec([])
      .when({ type: 'ImportDictionary', data: { organizationId: org, rows: bad, fileName: 'words.csv', holders: { oj: 'k1', 'oj#pronunciation': 'p1', ja: 'k2' }, ...taught } })
      .thenFails('invalid-dictionary-import', {
        details: {
          errors: [
            { field: 'term', line: 5, message: 'line 5: term is required' },
            { field: 'languageId', line: 5, message: 'line 5: languageId must be a language the organization teaches, other than its default' },
            { field: 'term', line: 6, message: 'line 6: the file translates this term into this language already, on line 3' },
          ],
        },
      });
  });

  test('a good file is one append: holds first, each entry, a summary for the audit log', () => {
    spec([]).when({ type: 'ImportDictionary', data: { organizationId: org, rows, fileName: 'words.csv', holders: { oj: 'k1', 'oj#pronunciation': 'p1', ja: 'k2' }, ...taught } }).then([
      held('oj', 'k1'),
      held('oj', 'p1', 'pronunciation'),
      held('ja', 'k2'),
      added('n1', 'Hello', 'Aaniin', 'oj', 'aa-niin'),
      added('n2', 'Water', 'Nibi'),
      added('n3', 'Water', 'Mizu', 'ja'),
      { type: 'DictionaryImported', data: { organizationId: org, fileName: 'words.csv', added: 3, updated: 0, unchanged: 0 } },
    ]);
  });

  test('an update that takes the last pronunciation text away lets go of that hold after the change', () => {
    spec(hello).when({ type: 'ImportDictionary', data: { organizationId: org, rows: [{ line: 2, entryId: 'n1', term: 'hello', translation: 'Boozhoo', languageId: 'oj' }], fileName: null, holders: {}, ...taught } }).then([
      { type: 'DictionaryEntryEdited', data: { organizationId: org, entryId: 'e1', changes: { term: { before: 'Hello', after: 'hello' }, pronunciation: { before: 'boo-zhoo', after: null } }, entry: { term: 'hello', translation: 'Boozhoo', languageId: 'oj', pronunciation: null } } },
      letGo('oj', 'p1', 'pronunciation'),
      { type: 'DictionaryImported', data: { organizationId: org, fileName: null, added: 0, updated: 1, unchanged: 0 } },
    ]);
  });
});

describe('Purging', () => {
  test('the purge lets go of every hold and carries the count of entries in each language', () => {
    spec([...hello, added('e2', 'Water', 'Nibi')]).when({ type: 'PurgeDictionary', data: { organizationId: org } }).then([
      letGo('oj', 'k1'),
      letGo('oj', 'p1', 'pronunciation'),
      { type: 'DictionaryPurged', data: { organizationId: org, entries: { oj: 2 }, pronunciations: { oj: 1 } } },
    ]);
    spec([]).when({ type: 'PurgeDictionary', data: { organizationId: org } }).thenNothingHappens();
  });
});
