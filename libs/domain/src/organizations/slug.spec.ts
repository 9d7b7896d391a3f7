import { describe, expect, test } from '@jest/globals';
import { FieldErrors } from '../shared/validation.js';
import { checkSlug, slugCandidates, slugFromName } from './slug.js';

const check = (raw: unknown) => {
  const errors = new FieldErrors();
  return { slug: checkSlug(raw, errors), errors: errors.errors };
};

describe('Slugs', () => {
  test.each(['lakeshore', 'lakeshore-school-district', 'k12', 'abc', 'a'.repeat(63)])('accepts %s', (slug) => {
    expect(check(slug)).toEqual({ slug, errors: [] });
  });

  test.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(64)],
    ['upper case', 'Lakeshore'],
    ['a space', 'lake shore'],
    ['a leading hyphen', '-lakeshore'],
    ['a trailing hyphen', 'lakeshore-'],
    ['a double hyphen', 'lake--shore'],
    ['an underscore', 'lake_shore'],
    ['an accent', 'café'],
    ['a slash', 'lake/shore'],
  ])('refuses one with %s', (_label, slug) => {
    expect(check(slug).slug).toBeNull();
    expect(check(slug).errors).toEqual([{ field: 'slug', message: 'slug must be 3 to 63 lower-case letters, digits and single hyphens, not starting or ending with a hyphen' }]);
  });

  test('refuses the words that name routes of the platform', () => {
    expect(check('admin').errors).toEqual([{ field: 'slug', message: '"admin" is reserved; choose another slug' }]);
  });

  test.each([
    ['Lakeshore School District', 'lakeshore-school-district'],
    ['  Café Élan — Montréal  ', 'cafe-elan-montreal'],
    ['Straße & Söhne GmbH', 'strasse-sohne-gmbh'],
    ['K-12 Immersion (Ojibwe)', 'k-12-immersion-ojibwe'],
  ])('derives a slug from the name %s', (name, slug) => {
    expect(slugFromName(name)).toBe(slug);
  });

  test('a long name is cut at a word boundary and stays short enough for a -2 suffix', () => {
    const slug = slugFromName('The International Association of Ojibwe and Anishinaabemowin Language Teachers and Learners')!;
    expect(slug).toBe('the-international-association-of-ojibwe-and');
    expect(slug.length).toBeLessThanOrEqual(59);
  });

  test('a name without Latin letters or digits gives none, and the id makes the slug', () => {
    expect(slugFromName('東京日本語学校')).toBeNull();
    expect(slugCandidates('東京日本語学校', '6c1f4a2e-7d1b-4b7e-9a57-0d7f5c1e2a10')).toEqual(['org-6c1f4a2e7d1b']);
  });

  test('candidates: the name, then -2 to -9, then one from the id', () => {
    const candidates = slugCandidates('Lakeshore', '6c1f4a2e-7d1b-4b7e-9a57-0d7f5c1e2a10');
    expect(candidates).toEqual(['lakeshore', 'lakeshore-2', 'lakeshore-3', 'lakeshore-4', 'lakeshore-5', 'lakeshore-6', 'lakeshore-7', 'lakeshore-8', 'lakeshore-9', 'org-6c1f4a2e7d1b']);
  });
});
