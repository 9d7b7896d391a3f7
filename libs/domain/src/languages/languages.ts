import { assertNever, eventTypes, type Decider, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { PersistentMap } from '../shared/persistent-map.js';
import { FieldErrors, lengthOf } from '../shared/validation.js';

/**
 * The platform's languages (organization-management guide, "Language Management (Super
 * Admin)"; issue 18), one stream for all of them: a code is unique across the catalogue,
 * and "languages that are already in use can be edited, but they cannot be removed" is
 * decided on one consistent state. What uses a language (an organization that teaches
 * it, its classes, its dictionary) holds it here first, by a key, and lets go when it
 * stops; a removal and a first use are appends to this one stream, so of the two racing
 * exactly one is decided first and the other sees it.
 *
 * A hold's key is fresh for each hold (`<organization>:<purpose>:<nonce>`, from
 * holderKey) and is kept by what holds it: the organization's language list, or its
 * dictionary for each language it has entries in. A process that stops using a language
 * lets go of the key it recorded, never of "whatever this organization holds": two
 * changes racing (one dropping a language, one taking it up again) then each let go of
 * their own key, and the language stays held by the one that won.
 */
export const LANGUAGES_STREAM = 'languages-catalogue';

export const LANGUAGE_RULES = { nameMax: 100, labelMax: 50 } as const;

/** What a hold is for: a record using the language, or dictionary entries carrying its pronunciation text. */
export type HoldPurpose = 'organization' | 'dictionary' | 'library' | 'pronunciation';

/** A fresh hold key; the nonce comes from the caller (a decider has no randomness). */
export const holderKey = (organizationId: string, purpose: HoldPurpose, nonce: string): string => `${organizationId}:${purpose}:${nonce}`;

/** The key organizations held their languages by before keys were fresh per hold (events of that time carry it). */
export const legacyOrganizationHolder = (organizationId: string): string => `organization:${organizationId}`;

/** The organization a hold key belongs to. */
export function holderOrganization(holder: string): string {
  return holder.startsWith('organization:') ? holder.slice('organization:'.length) : holder.slice(0, holder.indexOf(':'));
}

export interface Language {
  id: string;
  name: string;
  /** BCP 47, in its canonical case (`oj-Latn`). */
  code: string;
  supportsPronunciation: boolean;
  /** What the pronunciation or romanization text is called ("Pronunciation", "Romaji"); null without it. */
  representationLabel: string | null;
  /** Who uses it, by hold key, and for what. A map: a platform of many organizations holds many keys. */
  holders: PersistentMap<'use' | 'pronunciation'>;
  /** How many of the holds are for pronunciation text: turning pronunciation off waits until none. */
  pronunciationHolds: number;
  version: number;
}

export type LanguageCommand =
  | { type: 'AddLanguage'; data: { languageId: string; name: string; code: string; supportsPronunciation: boolean; representationLabel?: string | null } }
  /** A merge patch: absent fields stay. `pronunciationEntries`: how many dictionary entries carry pronunciation text (the application counts them for the message). */
  | { type: 'EditLanguage'; data: { languageId: string; name?: string; code?: string; supportsPronunciation?: boolean; representationLabel?: string | null; pronunciationEntries?: number } }
  | { type: 'RemoveLanguage'; data: { languageId: string } }
  /** `pronunciation`: the hold is for pronunciation text, refused when the language has none. */
  | { type: 'UseLanguage'; data: { languageId: string; holder: string; pronunciation?: boolean } }
  | { type: 'ReleaseLanguage'; data: { languageId: string; holder: string } }
  /** A purged organization lets go of every language it held, whatever for. */
  | { type: 'ReleaseOrganizationHolds'; data: { organizationId: string } };

export interface LanguageFields {
  name: string;
  code: string;
  supportsPronunciation: boolean;
  representationLabel: string | null;
}

export type LanguageEvent =
  | DomainEvent<'LanguageAdded', { languageId: string } & LanguageFields>
  | DomainEvent<'LanguageEdited', { languageId: string; changes: { [K in keyof LanguageFields]?: { before: LanguageFields[K]; after: LanguageFields[K] } }; language: LanguageFields }>
  | DomainEvent<'LanguageRemoved', { languageId: string; name: string; code: string }>
  | DomainEvent<'LanguageUseStarted', { languageId: string; holder: string; pronunciation?: true }>
  | DomainEvent<'LanguageUseEnded', { languageId: string; holder: string }>;

export const LANGUAGE_EVENT_TYPES = eventTypes<LanguageEvent>({ LanguageAdded: true, LanguageEdited: true, LanguageRemoved: true, LanguageUseStarted: true, LanguageUseEnded: true });

export interface LanguagesState {
  languages: ReadonlyMap<string, Language>;
}

/** A BCP 47 tag, parsed by the runtime's ICU (`Intl.getCanonicalLocales`), with an ISO 639 language of 2 or 3 letters. */
export function canonicalLanguageCode(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  let canonical: string;
  try {
    [canonical] = Intl.getCanonicalLocales(raw.trim());
  } catch {
    return null;
  }
  // BCP 47 also allows 5 to 8 letter "registered" language subtags and reserves 4: none names a language people teach.
  return /^[a-z]{2,3}(?:-|$)/.test(canonical) ? canonical : null;
}

const checkFields = (input: Partial<LanguageFields>, errors: FieldErrors, partial: boolean): Partial<LanguageFields> => {
  const out: Partial<LanguageFields> = {};
  if (!partial || input.name !== undefined) {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) errors.add('name', 'name is required');
    else if (lengthOf(name) > LANGUAGE_RULES.nameMax) errors.add('name', `name must be at most ${LANGUAGE_RULES.nameMax} characters`);
    else out.name = name;
  }
  if (!partial || input.code !== undefined) {
    const code = canonicalLanguageCode(input.code);
    if (!code) errors.add('code', 'code must be a BCP 47 language tag with an ISO 639 language, such as oj, ja, haw or oj-Latn');
    else out.code = code;
  }
  if (!partial || input.supportsPronunciation !== undefined) {
    if (typeof input.supportsPronunciation !== 'boolean') errors.add('supportsPronunciation', 'supportsPronunciation must be true or false');
    else out.supportsPronunciation = input.supportsPronunciation;
  }
  if (input.representationLabel !== undefined) {
    const label = input.representationLabel === null ? '' : typeof input.representationLabel === 'string' ? input.representationLabel.trim() : null;
    if (label === null) errors.add('representationLabel', 'representationLabel must be text');
    else if (lengthOf(label) > LANGUAGE_RULES.labelMax) errors.add('representationLabel', `representationLabel must be at most ${LANGUAGE_RULES.labelMax} characters`);
    else out.representationLabel = label || null;
  }
  return out;
};

const codeTaken = (state: LanguagesState, code: string, except?: string) => [...state.languages.values()].some((l) => l.id !== except && l.code.toLowerCase() === code.toLowerCase());
const taken = (code: string) => new DomainError('language-code-taken', `Another language has the code ${code}`, { errors: [{ field: 'code', message: 'code is already used by another language' }] });

export function language(state: LanguagesState, languageId: string): Language {
  const found = state.languages.get(languageId);
  if (!found) throw new DomainError('language-not-found', 'No such language');
  return found;
}

/** A language that supports pronunciation needs the label that names the text; one that does not has none. */
function checkLabel(fields: LanguageFields, errors: FieldErrors): void {
  if (fields.supportsPronunciation && !fields.representationLabel) errors.add('representationLabel', 'representationLabel is required when the language supports pronunciation or romanization text (for example "Pronunciation" or "Romaji")');
}

export function decideLanguages(command: LanguageCommand, state: LanguagesState): LanguageEvent[] {
  switch (command.type) {
    case 'AddLanguage': {
      const { languageId, ...input } = command.data;
      if (state.languages.has(languageId)) throw new DomainError('language-already-exists', 'A language with this id already exists');
      const errors = new FieldErrors();
      const checked = checkFields(input, errors, false);
      const fields: LanguageFields = { name: checked.name ?? '', code: checked.code ?? '', supportsPronunciation: checked.supportsPronunciation ?? false, representationLabel: checked.representationLabel ?? null };
      if (!fields.supportsPronunciation) fields.representationLabel = null;
      if (!errors.any) checkLabel(fields, errors);
      if (errors.any) throw new ValidationFailed('invalid-language', errors.errors);
      if (codeTaken(state, fields.code)) throw taken(fields.code);
      return [{ type: 'LanguageAdded', data: { languageId, ...fields } }];
    }
    case 'EditLanguage': {
      const { languageId, pronunciationEntries, ...input } = command.data;
      const current = language(state, languageId);
      const errors = new FieldErrors();
      const patch = checkFields(input, errors, true);
      const before: LanguageFields = { name: current.name, code: current.code, supportsPronunciation: current.supportsPronunciation, representationLabel: current.representationLabel };
      const after: LanguageFields = { ...before, ...patch };
      if (!after.supportsPronunciation) after.representationLabel = null;
      if (!errors.any) checkLabel(after, errors);
      if (errors.any) throw new ValidationFailed('invalid-language', errors.errors);
      if (after.code !== before.code && codeTaken(state, after.code, languageId)) throw taken(after.code);
      // Refused rather than hiding text: a dictionary that silently loses its pronunciations is a surprise nobody can undo.
      // Decided on the holds (consistent with the dictionaries' writes); the count is the read model's, for the message.
      if (before.supportsPronunciation && !after.supportsPronunciation && current.pronunciationHolds > 0) {
        const entries = Math.max(pronunciationEntries ?? 0, 1);
        throw new DomainError('language-pronunciation-in-use', `${entries} dictionary ${entries === 1 ? 'entry carries' : 'entries carry'} ${before.representationLabel ?? 'pronunciation'} text in this language; remove it from them first`, { entries });
      }
      const changes: Extract<LanguageEvent, { type: 'LanguageEdited' }>['data']['changes'] = {};
      for (const key of Object.keys(after) as (keyof LanguageFields)[]) if (after[key] !== before[key]) (changes as Record<string, unknown>)[key] = { before: before[key], after: after[key] };
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'LanguageEdited', data: { languageId, changes, language: after } }];
    }
    case 'RemoveLanguage': {
      const current = language(state, command.data.languageId);
      if (current.holders.size > 0)
        throw new DomainError('language-in-use', `${current.name} is in use and cannot be removed; languages in use can be edited`, { holders: current.holders.size });
      return [{ type: 'LanguageRemoved', data: { languageId: current.id, name: current.name, code: current.code } }];
    }
    case 'UseLanguage': {
      const current = language(state, command.data.languageId);
      if (current.holders.has(command.data.holder)) return [];
      if (command.data.pronunciation) {
        if (!current.supportsPronunciation)
          throw new DomainError('language-pronunciation-unsupported', `${current.name} has no pronunciation or romanization text`, { errors: [{ field: 'pronunciation', message: `${current.name} has no pronunciation or romanization text; leave pronunciation empty` }] });
        return [{ type: 'LanguageUseStarted', data: { languageId: current.id, holder: command.data.holder, pronunciation: true } }];
      }
      return [{ type: 'LanguageUseStarted', data: { languageId: current.id, holder: command.data.holder } }];
    }
    case 'ReleaseLanguage': {
      const current = state.languages.get(command.data.languageId);
      if (!current || !current.holders.has(command.data.holder)) return [];
      return [{ type: 'LanguageUseEnded', data: { languageId: current.id, holder: command.data.holder } }];
    }
    case 'ReleaseOrganizationHolds': {
      const released: LanguageEvent[] = [];
      for (const current of state.languages.values())
        for (const holder of current.holders.keys()) if (holderOrganization(holder) === command.data.organizationId) released.push({ type: 'LanguageUseEnded', data: { languageId: current.id, holder } });
      return released;
    }
    default:
      return assertNever(command);
  }
}

export function evolveLanguages(state: LanguagesState, event: LanguageEvent): LanguagesState {
  const languages = new Map(state.languages);
  switch (event.type) {
    case 'LanguageAdded': {
      const { languageId, ...fields } = event.data;
      languages.set(languageId, { id: languageId, ...fields, holders: PersistentMap.empty(), pronunciationHolds: 0, version: 0 });
      break;
    }
    case 'LanguageEdited': {
      const current = languages.get(event.data.languageId)!;
      languages.set(current.id, { ...current, ...event.data.language, version: current.version + 1 });
      break;
    }
    case 'LanguageRemoved':
      languages.delete(event.data.languageId);
      break;
    case 'LanguageUseStarted': {
      const current = languages.get(event.data.languageId)!;
      const purpose = event.data.pronunciation ? 'pronunciation' : 'use';
      languages.set(current.id, { ...current, holders: current.holders.set(event.data.holder, purpose), pronunciationHolds: current.pronunciationHolds + (event.data.pronunciation ? 1 : 0) });
      break;
    }
    case 'LanguageUseEnded': {
      const current = languages.get(event.data.languageId)!;
      const wasPronunciation = current.holders.get(event.data.holder) === 'pronunciation';
      languages.set(current.id, { ...current, holders: current.holders.delete(event.data.holder), pronunciationHolds: current.pronunciationHolds - (wasPronunciation ? 1 : 0) });
      break;
    }
    default:
      return assertNever(event);
  }
  return { languages };
}

export const languagesDecider: Decider<LanguageCommand, LanguageEvent, LanguagesState> = {
  initialState: () => ({ languages: new Map() }),
  evolve: evolveLanguages,
  decide: decideLanguages,
};
