import { PASSWORD_POLICY } from '../access/password-policy.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { FieldErrors, lengthOf } from '../shared/validation.js';
import type { ExistingOrganization, FieldChange, OrganizationCommand, OrganizationEvent } from './organization.js';
import {
  checkTemplate,
  FEATURES,
  MEMBERSHIP_POLICIES,
  normalizeColor,
  SELF_REGISTRATION,
  SETTINGS_RULES,
  VISIBILITIES,
  type OrganizationSettings,
  type SettingsAllowances,
} from './settings.js';

/**
 * Changing settings (issue 17) as a merge patch over nested groups: an absent field
 * stays, and each leaf that changes is recorded by its path (`branding.primaryColor`)
 * with its value before and after. `allowances.*` are the super admin's: the features an
 * organization may turn on, and whether it may use custom CSS.
 */
const INVALID = Symbol('invalid');
type Check = (value: unknown, path: string, errors: FieldErrors) => unknown;

const oneOf =
  (values: readonly string[]): Check =>
  (value, path, errors) =>
    typeof value === 'string' && values.includes(value) ? value : (errors.add(path, `${path} must be one of ${values.join(', ')}`), INVALID);
const bool: Check = (value, path, errors) => (typeof value === 'boolean' ? value : (errors.add(path, `${path} must be true or false`), INVALID));
const color: Check = (value, path, errors) => {
  if (value === null) return null;
  const normalized = typeof value === 'string' ? normalizeColor(value) : null;
  return normalized ?? (errors.add(path, `${path} must be a hex colour such as #1a73e8, or null`), INVALID);
};
const days: Check = (value, path, errors) => {
  if (value === null) return null;
  const { retentionDaysMin: min, retentionDaysMax: max } = SETTINGS_RULES;
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? value : (errors.add(path, `${path} must be a whole number of days from ${min} to ${max}, or null`), INVALID);
};
const passwordLength: Check = (value, path, errors) => {
  const min = PASSWORD_POLICY.minLength;
  const max = SETTINGS_RULES.passwordMinLengthMax;
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
    ? value
    : (errors.add(path, `${path} must be a whole number from ${min} (the platform's minimum) to ${max}`), INVALID);
};
const css: Check = (value, path, errors) => {
  if (value === null) return null;
  if (typeof value !== 'string') return errors.add(path, `${path} must be text, or null`), INVALID;
  if (lengthOf(value) > SETTINGS_RULES.customCssMax) return errors.add(path, `${path} must be at most ${SETTINGS_RULES.customCssMax} characters`), INVALID;
  return value.trim() === '' ? null : value;
};
const template: Check = (value, path, errors) => {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return errors.add(path, `${path} must be an object with subject and body, or null`), INVALID;
  return checkTemplate(value as { subject: unknown; body: unknown }, errors) ?? INVALID;
};

/** Every setting a patch may name, by path, with its check; `allowances.` ones are the super admin's. */
const LEAVES: Record<string, Check> = {
  visibility: oneOf(VISIBILITIES),
  membershipPolicy: oneOf(MEMBERSHIP_POLICIES),
  selfRegistration: oneOf(SELF_REGISTRATION),
  'branding.primaryColor': color,
  'branding.accentColor': color,
  'branding.customCss': css,
  'branding.invitationTemplate': template,
  ...Object.fromEntries(FEATURES.map((f) => [`features.${f}`, bool])),
  'policies.passwordMinLength': passwordLength,
  'policies.retention.accessRecordsDays': days,
  'policies.retention.deactivatedMembersDays': days,
  'policies.retention.learningRecordsDays': days,
  'policies.privacy.membersSeeOtherMembers': bool,
  ...Object.fromEntries(FEATURES.map((f) => [`allowances.features.${f}`, bool])),
  'allowances.customCss': bool,
};
export const SETTINGS_PATHS = Object.keys(LEAVES);
const GROUPS = new Set(SETTINGS_PATHS.flatMap((path) => path.split('.').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('.'))));

/** The patch's leaves by path; unknown names and non-objects where a group belongs are errors. */
function leavesOf(patch: unknown, prefix: string, errors: FieldErrors, out: Map<string, unknown>): void {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    errors.add(prefix || 'settings', `${prefix || 'the settings'} must be an object`);
    return;
  }
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (path in LEAVES) out.set(path, value);
    else if (GROUPS.has(path)) leavesOf(value, path, errors, out);
    else errors.add(path, `${path} is not a setting`);
  }
}

/** The settings and allowances as one object, so a path reads the same in both. */
const current = (org: ExistingOrganization) => ({ ...org.settings, allowances: org.allowances });

export function readPath(source: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], source);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function changeSettings(command: Extract<OrganizationCommand, { type: 'ChangeOrganizationSettings' }>, org: ExistingOrganization): OrganizationEvent[] {
  const { actorId, patch } = command.data;
  const errors = new FieldErrors();
  const leaves = new Map<string, unknown>();
  leavesOf(patch, '', errors, leaves);
  const values = new Map<string, unknown>();
  for (const [path, raw] of leaves) {
    const value = LEAVES[path](raw, path, errors);
    if (value !== INVALID) values.set(path, value);
  }
  if (errors.any) throw new ValidationFailed('invalid-settings', errors.errors);

  const superAdmin = actorId === undefined || !org.members.has(actorId);
  const allowanceChanges = [...values.keys()].filter((path) => path.startsWith('allowances.'));
  if (allowanceChanges.length > 0 && !superAdmin)
    throw new DomainError('forbidden', `Only a super admin decides what an organization may turn on (${allowanceChanges.join(', ')})`);

  const before = current(org);
  const changes: Record<string, FieldChange<unknown>> = {};
  for (const [path, after] of values) if (!same(readPath(before, path), after)) changes[path] = { before: readPath(before, path), after };

  // What the organization may turn on, as it will be after this change.
  const allowed = (path: string) => (path in changes ? changes[path].after : readPath(before, path)) === true;
  const refused = FEATURES.filter((f) => changes[`features.${f}`]?.after === true && !allowed(`allowances.features.${f}`));
  if (refused.length > 0)
    throw new DomainError('setting-not-allowed', `A super admin has not allowed ${refused.join(', ')} for this organization`, { errors: refused.map((f) => ({ field: `features.${f}`, message: `${f} is not allowed for this organization` })) });
  if (changes['branding.customCss']?.after && !allowed('allowances.customCss'))
    throw new DomainError('setting-not-allowed', 'A super admin has not allowed custom CSS for this organization', { errors: [{ field: 'branding.customCss', message: 'custom CSS is not allowed for this organization' }] });

  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'OrganizationSettingsChanged', data: { organizationId: org.id, changes } }];
}

/** Applies a change's leaves to settings and allowances (the fold and the projection alike). */
export function applySettingsChanges(
  settings: OrganizationSettings,
  allowances: SettingsAllowances,
  changes: Record<string, FieldChange<unknown>>,
): { settings: OrganizationSettings; allowances: SettingsAllowances } {
  const next = structuredClone({ ...settings, allowances });
  for (const [path, { after }] of Object.entries(changes)) {
    const keys = path.split('.');
    let node = next as unknown as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[keys.at(-1)!] = after;
  }
  const { allowances: nextAllowances, ...nextSettings } = next;
  return { settings: nextSettings, allowances: nextAllowances };
}
