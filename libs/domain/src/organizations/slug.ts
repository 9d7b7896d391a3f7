import { FieldErrors } from '../shared/validation.js';

/**
 * An organization's slug (multi-tenant guide, Organization Details): the URL-safe name a
 * directory or a sign-in page reaches it by. Unique platform-wide (one reservation stream
 * per slug, platform/slug-reservation.ts); an old slug keeps redirecting for 90 days
 * after a change, so links people shared keep working for a term.
 */
export const SLUG_RULES = {
  min: 3,
  max: 63,
  /** Lower-case letters and digits in groups joined by single hyphens: no leading, trailing or double hyphen. */
  pattern: /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
  redirectDays: 90,
} as const;

/** Words a slug cannot be: they name routes or parts of the platform. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(['api', 'admin', 'auth', 'by-slug', 'directory', 'health', 'login', 'logout', 'new', 'openapi', 'platform', 'settings', 'setup', 'sso', 'static', 'www']);

export const SLUG_MESSAGE = `slug must be ${SLUG_RULES.min} to ${SLUG_RULES.max} lower-case letters, digits and single hyphens, not starting or ending with a hyphen`;

/** The slug as given, checked; errors are added under `slug`. */
export function checkSlug(raw: unknown, errors: FieldErrors): string | null {
  if (typeof raw !== 'string') {
    errors.add('slug', 'slug must be a string');
    return null;
  }
  const slug = raw.trim();
  if (slug.length < SLUG_RULES.min || slug.length > SLUG_RULES.max || !SLUG_RULES.pattern.test(slug)) {
    errors.add('slug', SLUG_MESSAGE);
    return null;
  }
  if (RESERVED_SLUGS.has(slug)) {
    errors.add('slug', `"${slug}" is reserved; choose another slug`);
    return null;
  }
  return slug;
}

/**
 * The slug derived from a name: accents dropped ("Café Élan" gives "cafe-elan"), every
 * run of other characters one hyphen, cut at a hyphen to fit. A name with too few Latin
 * letters or digits to make one (a name in Japanese, say) gives null, and the caller
 * falls back to one made from the organization's id.
 */
export function slugFromName(name: string): string | null {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .toLowerCase();
  let slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length > SLUG_RULES.max - 4) slug = slug.slice(0, SLUG_RULES.max - 4).replace(/-[^-]*$/, '') || slug.slice(0, SLUG_RULES.max - 4);
  slug = slug.replace(/-+$/, '');
  if (slug.length < SLUG_RULES.min || RESERVED_SLUGS.has(slug)) return null;
  return slug;
}

/**
 * The slugs to try, in order, for an organization that did not choose one: the name's,
 * then the name's with -2 to -9, then one from the id (unique as the id is).
 */
export function slugCandidates(name: string, organizationId: string): string[] {
  const fromId = `org-${organizationId.replace(/-/g, '').slice(0, 12)}`;
  const base = slugFromName(name);
  if (!base) return [fromId];
  return [base, ...Array.from({ length: 8 }, (_, i) => `${base}-${i + 2}`), fromId];
}

/** When an old slug stops redirecting. */
export const redirectUntil = (now: string): string => new Date(Date.parse(now) + SLUG_RULES.redirectDays * 86_400_000).toISOString();
