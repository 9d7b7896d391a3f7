import { describe, expect, test } from '@jest/globals';
import { aggregate, find } from 'mingo';
import { escapeRegex, type Doc, type Filter } from '../read-store.port.js';
import { GRAMS_FIELD, gramsOf, gramsUpdate, literalOf, searchSpecOf, staleGrams, withGrams } from './trigrams.js';

/**
 * The search pieces MongoDB computes for itself, checked without a server: `mingo`, a
 * maintained implementation of MongoDB's query and aggregation language, runs the very
 * pipeline update and filters the adapter sends.
 */
const spec = searchSpecOf({ keys: { organizationId: 1, lastNameSort: 1 }, name: 'members_search', substring: ['nameSearch', 'emailNormalized'] })!;

// The members' searched fields as the projection writes them: lowercased, any script.
function seeded(start: number) {
  let seed = start;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const syllables = ['an', 'ber', 'co', 'dal', 'el', 'fi', 'gor', 'ha', 'is', 'jo', 'ü', '𝒜', 'ß', 'ada', '.', '+', ' '];
  const word = (min = 1) => Array.from({ length: min + Math.floor(random() * 4) }, () => pick(syllables)).join('');
  return { random, pick, word };
}

/** What the adapter's pipeline update leaves in each document. */
const withPieces = (docs: Doc[]): Doc[] => aggregate(docs, gramsUpdate(spec) as never[]) as Doc[];
const ids = (docs: Doc[]) => docs.map((d) => d._id).sort();

describe('search pieces on MongoDB', () => {
  test('the server-side pipeline makes the same pieces as JavaScript, field by field, in code points', () => {
    const { word, random } = seeded(7);
    const docs: Doc[] = Array.from({ length: 300 }, (_, i) => ({
      _id: `m${i}`,
      organizationId: 'org',
      nameSearch: random() < 0.05 ? undefined : `${word()} ${word()}`,
      emailNormalized: random() < 0.05 ? null : `${word()}@${word()}.test`,
    }));
    docs.push({ _id: 'short', organizationId: 'org', nameSearch: 'ab', emailNormalized: '' });
    for (const doc of withPieces(docs)) {
      const expected = new Set([...gramsOf(String(doc.nameSearch ?? '')), ...gramsOf(String(doc.emailNormalized ?? ''))]);
      expect([doc._id, new Set(doc[GRAMS_FIELD] as string[])]).toEqual([doc._id, expected]);
    }
    expect(gramsOf('a𝒜bc')).toEqual(['a𝒜b', '𝒜bc']);
  });

  test('a search with the pieces finds exactly what the regex alone finds, for terms taken from the documents and made up', () => {
    const { word, pick, random } = seeded(11);
    const docs = withPieces(
      Array.from({ length: 400 }, (_, i) => ({ _id: `m${i}`, organizationId: pick(['org-a', 'org-b']), nameSearch: `${word()} ${word()}`, emailNormalized: `${word()}@school.test` })),
    );
    let narrowed = 0;
    for (let i = 0; i < 300; i++) {
      const source = pick(docs);
      const text = String(random() < 0.5 ? source.nameSearch : source.emailNormalized);
      const points = Array.from(text);
      const start = Math.floor(random() * points.length);
      const term = random() < 0.8 ? points.slice(start, start + 1 + Math.floor(random() * 6)).join('') : word();
      const pattern = escapeRegex(term);
      const filter: Filter = { organizationId: source.organizationId, $or: [{ nameSearch: { $regex: pattern } }, { emailNormalized: { $regex: pattern } }] };
      const rewritten = withGrams(filter, spec);
      if (rewritten !== filter) narrowed++;
      expect([term, ids(find(docs, rewritten).all() as Doc[])]).toEqual([term, ids(find(docs, filter).all() as Doc[])]);
    }
    // Most terms were long enough to use the pieces.
    expect(narrowed).toBeGreaterThan(150);
  });

  test('only a literal of three or more characters on the searched fields uses the pieces', () => {
    const search = (pattern: string) => ({ organizationId: 'o', $or: [{ nameSearch: { $regex: pattern } }, { emailNormalized: { $regex: pattern } }] });
    expect(withGrams(search(escapeRegex('ad')), spec)).not.toHaveProperty(GRAMS_FIELD);
    expect(withGrams(search(escapeRegex('a.d')), spec)).toHaveProperty(GRAMS_FIELD, { $all: ['a.d'] });
    expect(withGrams(search('a.d'), spec)).not.toHaveProperty(GRAMS_FIELD); // a real pattern
    expect(withGrams({ organizationId: 'o', nameSearch: { $regex: 'ada', $options: 'i' } }, spec)).not.toHaveProperty(GRAMS_FIELD);
    expect(withGrams({ organizationId: 'o', nameSearch: { $regex: 'ada' } }, spec)).toHaveProperty(GRAMS_FIELD, { $all: ['ada'] });
    expect(withGrams({ organizationId: 'o', $or: [{ status: 'active' }, { nameSearch: { $regex: 'ada' } }] }, spec)).not.toHaveProperty(GRAMS_FIELD);
    expect(withGrams({ organizationId: 'o', emailNormalized: 'ada@school.test' }, spec)).not.toHaveProperty(GRAMS_FIELD);
    expect(literalOf(escapeRegex('a+b (c)?'))).toBe('a+b (c)?');
  });

  test('a document whose searched text changed is stale until its pieces are made again', () => {
    const [doc] = withPieces([{ _id: 'm1', organizationId: 'o', nameSearch: 'ada lovelace', emailNormalized: 'ada@school.test' }]);
    expect(find([doc], staleGrams(spec)).all()).toHaveLength(0);
    const renamed = { ...doc, nameSearch: 'ada byron' };
    expect(find([renamed], staleGrams(spec)).all()).toHaveLength(1);
    expect(find([{ _id: 'new', organizationId: 'o', nameSearch: 'x', emailNormalized: 'y' }], staleGrams(spec)).all()).toHaveLength(1);
    const [again] = withPieces([renamed]);
    expect(again[GRAMS_FIELD]).toContain('byr');
    expect(find([again], staleGrams(spec)).all()).toHaveLength(0);
  });
});
