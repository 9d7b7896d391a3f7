import { PASSWORD_POLICY } from '../access/password-policy.js';
import { FieldErrors, lengthOf } from '../shared/validation.js';

/**
 * The organization's settings (multi-tenant guide, Organization Settings: General,
 * Branding, Features, Policies; issue 17). Each has a default, so organizations from
 * before settings existed read as they behaved: private, invite-only, no
 * self-registration, no branding, every feature off.
 */
export const VISIBILITIES = ['public', 'private', 'hidden'] as const;
export const MEMBERSHIP_POLICIES = ['open', 'approval', 'invite-only'] as const;
export const SELF_REGISTRATION = ['domain', 'approval', 'disabled'] as const;
export const FEATURES = ['activityAuthoring', 'marketplace', 'aiFeatures', 'externalSharing', 'integrations'] as const;
export const TEMPLATE_PLACEHOLDERS = ['firstName', 'organizationName', 'setupLink'] as const;

export type Visibility = (typeof VISIBILITIES)[number];
export type MembershipPolicy = (typeof MEMBERSHIP_POLICIES)[number];
export type SelfRegistration = (typeof SELF_REGISTRATION)[number];
export type Feature = (typeof FEATURES)[number];
export type FeatureFlags = Record<Feature, boolean>;

export interface InvitationTemplate {
  subject: string;
  body: string;
}

export interface OrganizationSettings {
  visibility: Visibility;
  membershipPolicy: MembershipPolicy;
  selfRegistration: SelfRegistration;
  branding: {
    /** `#rrggbb`, lower case. */
    primaryColor: string | null;
    accentColor: string | null;
    /** Already sanitised by a CSS parser (the application's), stored as it regenerated it. */
    customCss: string | null;
    invitationTemplate: InvitationTemplate | null;
  };
  /** What an admin turned on; what works is `effectiveFeatures` (on and allowed). */
  features: FeatureFlags;
  policies: {
    /** At or above the platform's minimum. */
    passwordMinLength: number;
    /** Days each kind of record is kept (issue 20: enforced by the retention job); null: for good. */
    retention: { accessRecordsDays: number | null; deactivatedMembersDays: number | null; learningRecordsDays: number | null };
    privacy: { membersSeeOtherMembers: boolean };
  };
}

/** What only a super admin decides: the features an organization may turn on, and whether it may style itself with CSS. */
export interface SettingsAllowances {
  features: FeatureFlags;
  customCss: boolean;
}

const flags = (on: boolean): FeatureFlags => Object.fromEntries(FEATURES.map((f) => [f, on])) as FeatureFlags;

export const DEFAULT_SETTINGS: OrganizationSettings = {
  visibility: 'private',
  membershipPolicy: 'invite-only',
  selfRegistration: 'disabled',
  branding: { primaryColor: null, accentColor: null, customCss: null, invitationTemplate: null },
  features: flags(false),
  policies: { passwordMinLength: PASSWORD_POLICY.minLength, retention: { accessRecordsDays: null, deactivatedMembersDays: null, learningRecordsDays: null }, privacy: { membersSeeOtherMembers: true } },
};

export const DEFAULT_ALLOWANCES: SettingsAllowances = { features: flags(false), customCss: false };

export const SETTINGS_RULES = {
  passwordMinLengthMax: PASSWORD_POLICY.maxLength,
  retentionDaysMin: 1,
  retentionDaysMax: 3650,
  customCssMax: 20_000,
  templateSubjectMax: 200,
  templateBodyMax: 10_000,
  /** WCAG 2.x AA for normal text. */
  minContrast: 4.5,
} as const;

export const effectiveFeatures = (settings: OrganizationSettings, allowances: SettingsAllowances): FeatureFlags =>
  Object.fromEntries(FEATURES.map((f) => [f, settings.features[f] && allowances.features[f]])) as FeatureFlags;

// ---- Colours ---------------------------------------------------------------------------
const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** `#ABC` and `#aabbcc` as `#aabbcc`; null when not a hex colour. */
export function normalizeColor(value: string): string | null {
  const v = value.trim();
  if (!HEX.test(v)) return null;
  const hex = v.slice(1).toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

/** WCAG 2.x contrast ratio of white text on the colour (1 to 21). */
export function contrastWithWhite(color: string): number {
  const channel = (i: number) => {
    const c = parseInt(color.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

/** Warnings, not errors: a brand colour white text is hard to read on. */
export function settingsWarnings(settings: OrganizationSettings): { field: string; message: string }[] {
  const warnings: { field: string; message: string }[] = [];
  for (const field of ['primaryColor', 'accentColor'] as const) {
    const color = settings.branding[field];
    if (!color) continue;
    const ratio = contrastWithWhite(color);
    if (ratio < SETTINGS_RULES.minContrast)
      warnings.push({ field: `branding.${field}`, message: `white text on ${color} has a contrast of ${ratio.toFixed(2)}:1, below the ${SETTINGS_RULES.minContrast}:1 WCAG AA asks for` });
  }
  return warnings;
}

// ---- The invitation template -----------------------------------------------------------
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** A template's errors: unknown placeholders, and a body without the setup link. */
export function checkTemplate(template: { subject: unknown; body: unknown }, errors: FieldErrors): InvitationTemplate | null {
  const before = errors.errors.length;
  const subject = typeof template.subject === 'string' ? template.subject.trim() : '';
  const body = typeof template.body === 'string' ? template.body.trim() : '';
  if (!subject) errors.add('branding.invitationTemplate.subject', 'subject is required');
  else if (lengthOf(subject) > SETTINGS_RULES.templateSubjectMax) errors.add('branding.invitationTemplate.subject', `subject must be at most ${SETTINGS_RULES.templateSubjectMax} characters`);
  if (!body) errors.add('branding.invitationTemplate.body', 'body is required');
  else if (lengthOf(body) > SETTINGS_RULES.templateBodyMax) errors.add('branding.invitationTemplate.body', `body must be at most ${SETTINGS_RULES.templateBodyMax} characters`);
  for (const [field, text] of [['subject', subject], ['body', body]] as const)
    for (const [, name] of text.matchAll(PLACEHOLDER))
      if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name))
        errors.add(`branding.invitationTemplate.${field}`, `{{${name}}} is not a placeholder; use ${TEMPLATE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
  if (body && ![...body.matchAll(PLACEHOLDER)].some(([, name]) => name === 'setupLink'))
    errors.add('branding.invitationTemplate.body', 'body must contain {{setupLink}}: the invitation is useless without it');
  if (/\{\{\s*setupLink\s*\}\}/.test(subject)) errors.add('branding.invitationTemplate.subject', 'the setup link belongs in the body, not the subject');
  return errors.errors.length === before ? { subject, body } : null;
}

/**
 * Fills a template's placeholders. `escape` is applied to each value (HTML escaping and
 * a link for an HTML part; nothing for plain text), never to the template itself, so a
 * person's name cannot add markup to the mail. The subject is plain text on one line.
 */
export function renderTemplate(
  template: InvitationTemplate,
  values: Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string>,
  escape: (value: string, placeholder: string) => string = (v) => v,
): InvitationTemplate {
  const known = (name: string): name is keyof typeof values => Object.hasOwn(values, name);
  return {
    subject: template.subject.replace(PLACEHOLDER, (whole, name: string) => (known(name) ? values[name].replace(/[\r\n]+/g, ' ') : whole)),
    body: template.body.replace(PLACEHOLDER, (whole, name: string) => (known(name) ? escape(values[name], name) : whole)),
  };
}
