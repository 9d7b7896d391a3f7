import { describe, expect, test } from '@jest/globals';
import { deciderSpec } from '../testing/given-when-then.js';
import { canonicalLanguageCode, languagesDecider, type LanguageEvent } from './languages.js';

/** The platform's languages (organization-management guide, Language Management; issue 18), each rule as given/when/then. */
const spec = deciderSpec(languagesDecider);
const ojibwe: LanguageEvent = { type: 'LanguageAdded', data: { languageId: 'oj', name: 'Ojibwe', code: 'oj', supportsPronunciation: true, representationLabel: 'Pronunciation' } };
const japanese: LanguageEvent = { type: 'LanguageAdded', data: { languageId: 'ja', name: 'Japanese', code: 'ja', supportsPronunciation: true, representationLabel: 'Romaji' } };
const used: LanguageEvent = { type: 'LanguageUseStarted', data: { languageId: 'oj', holder: 'organization:o1' } };

describe('Languages', () => {
  test('codes are BCP 47 tags read by ICU, in their canonical case, with an ISO 639 language', () => {
    expect(['oj', 'ja', 'haw', 'OJ-latn', 'zh-hant-tw'].map(canonicalLanguageCode)).toEqual(['oj', 'ja', 'haw', 'oj-Latn', 'zh-Hant-TW']);
    expect(['english', 'x', 'e1', 'i-klingon', '', 'oj_Latn'].map(canonicalLanguageCode)).toEqual([null, null, null, null, null, null]);
  });

  test('the guide’s example: Ojibwe, oj, with "Pronunciation"', () => {
    spec([]).when({ type: 'AddLanguage', data: { languageId: 'oj', name: ' Ojibwe ', code: 'OJ', supportsPronunciation: true, representationLabel: 'Pronunciation' } }).then([ojibwe]);
  });

  test('a label is required with pronunciation text and dropped without it', () => {
    spec([]).when({ type: 'AddLanguage', data: { languageId: 'oj', name: 'Ojibwe', code: 'oj', supportsPronunciation: true } }).thenFails('invalid-language', { kind: 'invalid', fields: ['representationLabel'] });
    spec([]).when({ type: 'AddLanguage', data: { languageId: 'fr', name: 'French', code: 'fr', supportsPronunciation: false, representationLabel: 'ignored' } }).then([
      { type: 'LanguageAdded', data: { languageId: 'fr', name: 'French', code: 'fr', supportsPronunciation: false, representationLabel: null } },
    ]);
  });

  test('names up to 100, labels up to 50, and every wrong field at once', () => {
    spec([]).when({ type: 'AddLanguage', data: { languageId: 'x', name: 'n'.repeat(101), code: 'english', supportsPronunciation: true, representationLabel: 'l'.repeat(51) } }).thenFails('invalid-language', { fields: ['name', 'code', 'representationLabel'] });
  });

  test('codes are unique case-insensitively, on adding and on editing', () => {
    spec([ojibwe]).when({ type: 'AddLanguage', data: { languageId: 'oj2', name: 'Ojibwe again', code: 'Oj', supportsPronunciation: false } }).thenFails('language-code-taken', { kind: 'conflict', fields: ['code'] });
    spec([ojibwe, japanese]).when({ type: 'EditLanguage', data: { languageId: 'ja', code: 'OJ' } }).thenFails('language-code-taken');
  });

  test('languages in use can be edited, with before and after', () => {
    spec([ojibwe, used]).when({ type: 'EditLanguage', data: { languageId: 'oj', name: 'Ojibwemowin' } }).then([
      { type: 'LanguageEdited', data: { languageId: 'oj', changes: { name: { before: 'Ojibwe', after: 'Ojibwemowin' } }, language: { name: 'Ojibwemowin', code: 'oj', supportsPronunciation: true, representationLabel: 'Pronunciation' } } },
    ]);
  });

  test('languages in use cannot be removed; unused ones can', () => {
    spec([ojibwe, used]).when({ type: 'RemoveLanguage', data: { languageId: 'oj' } }).thenFails('language-in-use', { kind: 'rule' });
    spec([ojibwe, used, { type: 'LanguageUseEnded', data: { languageId: 'oj', holder: 'organization:o1' } }]).when({ type: 'RemoveLanguage', data: { languageId: 'oj' } }).then([
      { type: 'LanguageRemoved', data: { languageId: 'oj', name: 'Ojibwe', code: 'oj' } },
    ]);
  });

  test('a removed language cannot be used: a first use after the removal is 404', () => {
    spec([ojibwe, { type: 'LanguageRemoved', data: { languageId: 'oj', name: 'Ojibwe', code: 'oj' } }]).when({ type: 'UseLanguage', data: { languageId: 'oj', holder: 'organization:o1' } }).thenFails('language-not-found', { kind: 'not-found' });
  });

  test('a holder uses a language once; letting go twice changes nothing', () => {
    spec([ojibwe, used]).when({ type: 'UseLanguage', data: { languageId: 'oj', holder: 'organization:o1' } }).thenNothingHappens();
    spec([ojibwe]).when({ type: 'ReleaseLanguage', data: { languageId: 'oj', holder: 'organization:o1' } }).thenNothingHappens();
  });

  test('turning pronunciation off is refused while a dictionary holds the language for its pronunciation text, with the count of entries', () => {
    const pronunciationHeld: LanguageEvent = { type: 'LanguageUseStarted', data: { languageId: 'oj', holder: 'o1:pronunciation:n1', pronunciation: true } };
    spec([ojibwe, pronunciationHeld]).when({ type: 'EditLanguage', data: { languageId: 'oj', supportsPronunciation: false, pronunciationEntries: 12 } }).thenFails('language-pronunciation-in-use', { details: { entries: 12 } });
    // Decided on the holds, not on the count the application read: a count that lags says at least 1.
    spec([ojibwe, pronunciationHeld]).when({ type: 'EditLanguage', data: { languageId: 'oj', supportsPronunciation: false, pronunciationEntries: 0 } }).thenFails('language-pronunciation-in-use', { details: { entries: 1 } });
    // Entries without the text (a plain use) do not stop it.
    spec([ojibwe, used, pronunciationHeld, { type: 'LanguageUseEnded', data: { languageId: 'oj', holder: 'o1:pronunciation:n1' } }]).when({ type: 'EditLanguage', data: { languageId: 'oj', supportsPronunciation: false, pronunciationEntries: 0 } }).then([
      {
        type: 'LanguageEdited',
        data: { languageId: 'oj', changes: { supportsPronunciation: { before: true, after: false }, representationLabel: { before: 'Pronunciation', after: null } }, language: { name: 'Ojibwe', code: 'oj', supportsPronunciation: false, representationLabel: null } },
      },
    ]);
  });

  test('a hold for pronunciation text is refused in a language without it', () => {
    const french: LanguageEvent = { type: 'LanguageAdded', data: { languageId: 'fr', name: 'French', code: 'fr', supportsPronunciation: false, representationLabel: null } };
    spec([french]).when({ type: 'UseLanguage', data: { languageId: 'fr', holder: 'o1:pronunciation:n1', pronunciation: true } }).thenFails('language-pronunciation-unsupported', { kind: 'rule' });
    spec([ojibwe]).when({ type: 'UseLanguage', data: { languageId: 'oj', holder: 'o1:pronunciation:n1', pronunciation: true } }).then([{ type: 'LanguageUseStarted', data: { languageId: 'oj', holder: 'o1:pronunciation:n1', pronunciation: true } }]);
  });

  test('a purged organization lets go of every hold it had, in every language; other organizations keep theirs', () => {
    const holds: LanguageEvent[] = [
      { type: 'LanguageUseStarted', data: { languageId: 'oj', holder: 'o1:organization:a' } },
      { type: 'LanguageUseStarted', data: { languageId: 'oj', holder: 'o1:dictionary:b' } },
      { type: 'LanguageUseStarted', data: { languageId: 'ja', holder: 'o1:pronunciation:c', pronunciation: true } },
      { type: 'LanguageUseStarted', data: { languageId: 'ja', holder: 'o2:organization:d' } },
      { type: 'LanguageUseStarted', data: { languageId: 'oj', holder: 'organization:o1' } }, // the key of events written before keys were fresh
    ];
    spec([ojibwe, japanese, ...holds]).when({ type: 'ReleaseOrganizationHolds', data: { organizationId: 'o1' } }).then([
      { type: 'LanguageUseEnded', data: { languageId: 'oj', holder: 'o1:organization:a' } },
      { type: 'LanguageUseEnded', data: { languageId: 'oj', holder: 'o1:dictionary:b' } },
      { type: 'LanguageUseEnded', data: { languageId: 'oj', holder: 'organization:o1' } },
      { type: 'LanguageUseEnded', data: { languageId: 'ja', holder: 'o1:pronunciation:c' } },
    ]);
  });
});

describe('The languages an organization teaches', () => {
  test('set with the default first, each new one with the key it was held by; the same list again changes nothing; each language once, at most 20', async () => {
    const { company, org, spec: orgSpec } = await import('../testing/company.js');
    orgSpec(company).when({ type: 'SetOrganizationLanguages', data: { languageIds: ['oj', 'en'], holders: { oj: 'k-oj', en: 'k-en' } } }).then([
      { type: 'OrganizationLanguagesChanged', data: { organizationId: org, before: [], after: ['oj', 'en'], holders: { oj: 'k-oj', en: 'k-en' }, released: {} } },
    ]);
    const set = { type: 'OrganizationLanguagesChanged' as const, data: { organizationId: org, before: [], after: ['oj', 'en'], holders: { oj: 'k-oj', en: 'k-en' }, released: {} } };
    orgSpec([...company, set]).when({ type: 'SetOrganizationLanguages', data: { languageIds: ['oj', 'en'], holders: {} } }).thenNothingHappens();
    orgSpec(company).when({ type: 'SetOrganizationLanguages', data: { languageIds: ['oj', 'oj'], holders: {} } }).thenFails('invalid-organization-settings', { fields: ['languageIds'] });
    orgSpec(company).when({ type: 'SetOrganizationLanguages', data: { languageIds: Array.from({ length: 21 }, (_, i) => `l${i}`), holders: {} } }).thenFails('invalid-organization-settings', { fields: ['languageIds'] });
  });

  test('a language kept keeps its key (a fresh one offered is not taken); a dropped one names its key for the process to let go', async () => {
    const { company, org, spec: orgSpec } = await import('../testing/company.js');
    const set = { type: 'OrganizationLanguagesChanged' as const, data: { organizationId: org, before: [], after: ['oj', 'en'], holders: { oj: 'k-oj', en: 'k-en' }, released: {} } };
    orgSpec([...company, set]).when({ type: 'SetOrganizationLanguages', data: { languageIds: ['en', 'ja'], holders: { en: 'k-en-2', ja: 'k-ja' } } }).then([
      { type: 'OrganizationLanguagesChanged', data: { organizationId: org, before: ['oj', 'en'], after: ['en', 'ja'], holders: { en: 'k-en', ja: 'k-ja' }, released: { oj: 'k-oj' } } },
    ]);
  });

  test('events written before keys were fresh per hold read as held by the old key', async () => {
    const { company, org, spec: orgSpec } = await import('../testing/company.js');
    const legacy = { type: 'OrganizationLanguagesChanged' as const, data: { organizationId: org, before: [], after: ['oj'] } };
    orgSpec([...company, legacy]).when({ type: 'SetOrganizationLanguages', data: { languageIds: [], holders: {} } }).then([
      { type: 'OrganizationLanguagesChanged', data: { organizationId: org, before: ['oj'], after: [], holders: {}, released: { oj: `organization:${org}` } } },
    ]);
  });
});
