import { FieldErrors, lengthOf } from '../shared/validation.js';

// ---- The organization profile (multi-tenant guide: Creating Organizations, Organization
// Details, Organization Types). Everything is optional but the type.

export const ORGANIZATION_TYPES = ['company', 'educational', 'professional-services', 'community'] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

export const PROFILE_RULES = {
  industryMax: 100,
  websiteMax: 2048,
  contactNameMax: 100,
  addressLinesMax: 4,
  addressLineMax: 100,
  cityMax: 100,
  regionMax: 100,
  postalCodeMax: 20,
} as const;

export interface PostalAddress {
  lines: string[];
  city: string | null;
  region: string | null;
  postalCode: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string | null;
}

export interface OrganizationProfile {
  type: OrganizationType;
  industry: string | null;
  /** An absolute http(s) URL. */
  website: string | null;
  primaryContact: { name: string | null; phone: string | null; address: PostalAddress | null };
  billingContact: { name: string | null; email: string | null };
}

/** What organizations created before profiles existed have (the upcaster gives it to their OrganizationCreated). */
export const DEFAULT_PROFILE: OrganizationProfile = {
  type: 'company',
  industry: null,
  website: null,
  primaryContact: { name: null, phone: null, address: null },
  billingContact: { name: null, email: null },
};

/**
 * A change to the profile as a merge patch (RFC 7396): an absent field stays, `null`
 * clears it, and the two contacts are patched field by field. The address is replaced
 * whole (its lines belong together).
 */
export interface ProfilePatch {
  type?: unknown;
  industry?: unknown;
  website?: unknown;
  primaryContact?: { name?: unknown; phone?: unknown; address?: unknown } | null;
  billingContact?: { name?: unknown; email?: unknown } | null;
}

/** The profile fields a change may name, each recorded with its value before and after. */
export const PROFILE_FIELDS = ['type', 'industry', 'website', 'primaryContact', 'billingContact'] as const;

const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** CLDR's two-letter regions that are not countries of ISO 3166-1 (unions, the unknown region, pseudo-locales). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);
let regions: Intl.DisplayNames | null = null;

/** An ISO 3166-1 alpha-2 code, by the runtime's CLDR region data (Kosovo's XK included). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  regions ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  return regions.of(code) !== undefined;
}

/** A text field: trimmed, empty is null, at most `max` characters. */
function text(errors: FieldErrors, field: string, value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') {
    errors.add(field, `${field} must be text`);
    return null;
  }
  const trimmed = value.trim();
  if (lengthOf(trimmed) > max) errors.add(field, `${field} must be at most ${max} characters`);
  return trimmed === '' ? null : trimmed;
}

function website(errors: FieldErrors, value: unknown): string | null {
  const url = text(errors, 'website', value, PROFILE_RULES.websiteMax);
  if (url === null) return null;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol) || !new URL(url).hostname.includes('.'))
    errors.add('website', 'website must be an absolute http(s) URL, for example https://example.org');
  return url;
}

function phone(errors: FieldErrors, value: unknown): string | null {
  const raw = text(errors, 'primaryContact.phone', value, 32);
  if (raw === null) return null;
  // Spaces, dots, dashes and brackets are how people write numbers; E.164 has none.
  const compact = raw.replace(/[\s().-]/g, '');
  if (!E164.test(compact)) errors.add('primaryContact.phone', 'primaryContact.phone must be an international number in E.164 form, for example +14155550123');
  return compact;
}

function address(errors: FieldErrors, value: unknown): PostalAddress | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.add('primaryContact.address', 'primaryContact.address must be an object with lines, city, region, postalCode and country');
    return null;
  }
  const input = value as Record<string, unknown>;
  const lines: string[] = [];
  if (input.lines !== undefined && input.lines !== null) {
    if (!Array.isArray(input.lines) || input.lines.length > PROFILE_RULES.addressLinesMax)
      errors.add('primaryContact.address.lines', `primaryContact.address.lines must be a list of at most ${PROFILE_RULES.addressLinesMax} lines`);
    else
      input.lines.forEach((line, i) => {
        const kept = text(errors, `primaryContact.address.lines[${i}]`, line, PROFILE_RULES.addressLineMax);
        if (kept !== null) lines.push(kept);
      });
  }
  const country = text(errors, 'primaryContact.address.country', input.country, 2);
  const upper = country?.toUpperCase() ?? null;
  if (upper !== null && !isCountryCode(upper)) errors.add('primaryContact.address.country', 'primaryContact.address.country must be an ISO 3166-1 alpha-2 code, for example CA or DE');
  const kept: PostalAddress = {
    lines,
    city: text(errors, 'primaryContact.address.city', input.city, PROFILE_RULES.cityMax),
    region: text(errors, 'primaryContact.address.region', input.region, PROFILE_RULES.regionMax),
    postalCode: text(errors, 'primaryContact.address.postalCode', input.postalCode, PROFILE_RULES.postalCodeMax),
    country: upper,
  };
  return kept.lines.length === 0 && !kept.city && !kept.region && !kept.postalCode && !kept.country ? null : kept;
}

/**
 * Applies a profile patch to the current profile and validates the fields it names;
 * every error is collected (`errors`), none thrown, so a caller reports them with the
 * other fields of its request.
 */
export function patchProfile(current: OrganizationProfile, patch: ProfilePatch, errors: FieldErrors): OrganizationProfile {
  const next: OrganizationProfile = structuredClone(current);
  if (patch.type !== undefined) {
    if (typeof patch.type !== 'string' || !(ORGANIZATION_TYPES as readonly string[]).includes(patch.type))
      errors.add('type', `type must be one of ${ORGANIZATION_TYPES.join(', ')}`);
    else next.type = patch.type as OrganizationType;
  }
  if (patch.industry !== undefined) next.industry = text(errors, 'industry', patch.industry, PROFILE_RULES.industryMax);
  if (patch.website !== undefined) next.website = website(errors, patch.website);
  if (patch.primaryContact === null) next.primaryContact = structuredClone(DEFAULT_PROFILE.primaryContact);
  else if (patch.primaryContact !== undefined) {
    const p = patch.primaryContact;
    if (typeof p !== 'object' || Array.isArray(p)) errors.add('primaryContact', 'primaryContact must be an object with name, phone and address');
    else {
      if (p.name !== undefined) next.primaryContact.name = text(errors, 'primaryContact.name', p.name, PROFILE_RULES.contactNameMax);
      if (p.phone !== undefined) next.primaryContact.phone = phone(errors, p.phone);
      if (p.address !== undefined) next.primaryContact.address = address(errors, p.address);
    }
  }
  if (patch.billingContact === null) next.billingContact = structuredClone(DEFAULT_PROFILE.billingContact);
  else if (patch.billingContact !== undefined) {
    const b = patch.billingContact;
    if (typeof b !== 'object' || Array.isArray(b)) errors.add('billingContact', 'billingContact must be an object with name and email');
    else {
      if (b.name !== undefined) next.billingContact.name = text(errors, 'billingContact.name', b.name, PROFILE_RULES.contactNameMax);
      if (b.email !== undefined) {
        const email = text(errors, 'billingContact.email', b.email, 254);
        if (email !== null && !EMAIL.test(email)) errors.add('billingContact.email', 'billingContact.email must be a valid address');
        next.billingContact.email = email;
      }
    }
  }
  return next;
}

/** The profile fields that differ, each with its value before and after. */
export function profileChanges(before: OrganizationProfile, after: OrganizationProfile): Partial<{ [K in (typeof PROFILE_FIELDS)[number]]: { before: OrganizationProfile[K]; after: OrganizationProfile[K] } }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const field of PROFILE_FIELDS)
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) changes[field] = { before: before[field], after: after[field] };
  return changes;
}
