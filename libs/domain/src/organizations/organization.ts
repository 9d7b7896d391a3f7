import { eventTypes, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import type { PersistentMap } from '../shared/persistent-map.js';
import { canonicalTimeZone, FieldErrors, lengthOf } from '../shared/validation.js';
import type { ClassRecord, Member, MembershipCommand, MembershipEvent, SetupTokenRecord } from '../members/membership.js';
import type { SsoCommand, SsoEvent, SsoProvider } from '../sso/sso.js';
import type { Department, StructureCommand, StructureEvent, Team } from '../structure/structure.js';
import type { LogoRef } from './logo.js';
import type { OrganizationProfile, ProfilePatch } from './profile.js';
import type { OrganizationSettings, SettingsAllowances } from './settings.js';
import type { EmailDomain } from '../domains/domains.js';
import type { JoiningCommand, JoiningEvent, JoinRequest } from '../members/join-requests.js';
import type { XapiCredential, XapiCredentialCommand, XapiCredentialEvent } from '../xapi/credentials.js';

/**
 * The schema version each event type is written at; a stored event at an older version
 * is brought to it by the upcasters (libs/runtime/src/upcasters.ts). OrganizationCreated
 * 2 carries the profile, 3 the slug.
 */
export const SCHEMA_VERSIONS: Readonly<Record<string, number>> = { OrganizationCreated: 3 };

/** How long a deleted organization can be restored (multi-tenant guide, Deleting an organization; issue 16). */
export const RESTORE_WINDOW_DAYS = 30;

// ---- Rules (guide: Creating Organizations, Editing Organization Settings) -------------
export const ORGANIZATION_RULES = {
  createNameMin: 3,
  createNameMax: 50,
  editNameMax: 255,
  descriptionMax: 500,
} as const;

/**
 * How long sessions of the organization's members last (multi-tenant guide, Policies:
 * session timeouts). Idle: since the last request; absolute: since sign-in.
 */
export interface SessionPolicy {
  idleTimeoutMinutes: number;
  absoluteTimeoutHours: number;
}
export const SESSION_POLICY_BOUNDS = { idleMin: 5, idleMax: 24 * 60, absoluteMin: 1, absoluteMax: 30 * 24 } as const;
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleTimeoutMinutes: 60, absoluteTimeoutHours: 12 };

// ---- Commands ----------------------------------------------------------------------
export type OrganizationCommand =
  | {
      type: 'CreateOrganization';
      data: {
        organizationId: string;
        name: string;
        description?: string | null;
        timeZone: string;
        profile?: ProfilePatch;
        /** Reserved platform-wide before the command runs (chosen, or derived from the name). */
        slug: string;
        /** The first owner, when a super admin names one: invited with the owner role in the same append. */
        owner?: { userId: string; email: string; firstName: string; lastName: string; setupToken: SetupTokenRecord };
        now: string;
      };
    }
  /** The new slug is reserved platform-wide first; the old one redirects for 90 days. */
  | { type: 'ChangeOrganizationSlug'; data: { slug: string; now: string } }
  /** `actorId`: the member asking (an owner), or absent for a super admin. */
  | { type: 'RequestOrganizationDeletion'; data: { actorId?: string; confirmName: string; now: string } }
  | { type: 'RestoreOrganization'; data: { actorId?: string; now: string } }
  | { type: 'PurgeOrganization'; data: { now: string } }
  /** Settings (issue 17) as a nested merge patch, checked leaf by leaf; `actorId` absent or not a member: a super admin. */
  | { type: 'ChangeOrganizationSettings'; data: { actorId?: string; patch: unknown } }
  /**
   * The languages the organization teaches, its default first (issue 18). `holders`: a
   * fresh hold key for each language it may start teaching (the process held it in the
   * catalogue with it first).
   */
  | { type: 'SetOrganizationLanguages'; data: { languageIds: string[]; holders: Record<string, string> } }
  /** Email domains (issue 17): `token` is what the TXT record must say. */
  | { type: 'AddEmailDomain'; data: { domain: string; token: string; now: string } }
  | { type: 'VerifyEmailDomain'; data: { domain: string; now: string } }
  | { type: 'RemoveEmailDomain'; data: { domain: string } }
  /** A merge patch: an absent field stays as it is; `description: null` clears it. */
  /** `actorId`: who edits (the billing contact is an owner's, organizations/editing-organization.ts); absent for the platform itself. */
  | { type: 'UpdateOrganizationSettings'; data: { name?: string; description?: string | null; timeZone?: string; profile?: ProfilePatch; actorId?: string } }
  | { type: 'ChangeOrganizationLogo'; data: { logo: LogoRef } }
  | { type: 'RemoveOrganizationLogo'; data: Record<string, never> }
  | { type: 'MarkOrganizationInArrears'; data: { now: string } }
  | { type: 'ClearOrganizationArrears'; data: Record<string, never> }
  | { type: 'SetSessionPolicy'; data: SessionPolicy }
  /**
   * The CIDR ranges members may sign in and call the API from (organizations/ip-restrictions.ts),
   * already read and normalized by a CIDR parser; `excludesActor`: the caller's own address is
   * outside them; `confirmed`: the caller said they mean it.
   */
  | { type: 'SetIpRestrictions'; data: { ranges: string[]; excludesActor: boolean; confirmed: boolean } }
  | MembershipCommand
  | JoiningCommand
  | SsoCommand
  | StructureCommand
  | XapiCredentialCommand;

// ---- Events (past tense; schema versions live in the event metadata) ------------------
export interface FieldChange<T> {
  before: T;
  after: T;
}

export type OrganizationCreated = DomainEvent<
  'OrganizationCreated',
  { organizationId: string; name: string; description: string | null; timeZone: string; profile: OrganizationProfile; slug: string | null; createdAt: string }
>;
/** `redirectUntil`: when the old slug stops leading here (null when there was none). */
export type OrganizationSlugChanged = DomainEvent<'OrganizationSlugChanged', { organizationId: string; before: string | null; after: string; redirectUntil: string | null }>;
/** Suspended at once; restorable until `purgeAt`, the first midnight in the organization's time zone 30 days on. */
export type OrganizationDeletionRequested = DomainEvent<'OrganizationDeletionRequested', { organizationId: string; name: string; requestedAt: string; purgeAt: string }>;
export type OrganizationRestored = DomainEvent<'OrganizationRestored', { organizationId: string; deletionRequestedAt: string }>;
/** Settings and allowances that changed, by path (`branding.primaryColor`, `allowances.features.aiFeatures`). */
export type OrganizationSettingsChanged = DomainEvent<'OrganizationSettingsChanged', { organizationId: string; changes: Record<string, FieldChange<unknown>> }>;
/**
 * `holders`: the hold key of each language taught after (absent in events written before
 * keys were fresh per hold: the legacy key then); `released`: the keys of the languages
 * dropped; `archivedClassesCleared`: archived classes that were taught in a dropped language.
 */
export type OrganizationLanguagesChanged = DomainEvent<
  'OrganizationLanguagesChanged',
  { organizationId: string; before: string[]; after: string[]; holders?: Record<string, string>; released?: Record<string, string>; archivedClassesCleared?: { classId: string; languageId: string }[] }
>;
export type EmailDomainAdded = DomainEvent<'EmailDomainAdded', { organizationId: string; domain: string; token: string; addedAt: string }>;
export type EmailDomainVerified = DomainEvent<'EmailDomainVerified', { organizationId: string; domain: string; verifiedAt: string }>;
export type EmailDomainRemoved = DomainEvent<'EmailDomainRemoved', { organizationId: string; domain: string; wasVerified: boolean }>;
/** Removed from every read model; its slugs (`slugs`: the current one and those still redirecting) are free. The events remain. */
/** `classLanguages`: how many of its classes were taught in each language (usage counts them). */
export type OrganizationPurged = DomainEvent<'OrganizationPurged', { organizationId: string; purgedAt: string; deletionRequestedAt: string; slugs: string[]; languageIds: string[]; classLanguages?: Record<string, number> }>;
export type OrganizationSettingsUpdated = DomainEvent<
  'OrganizationSettingsUpdated',
  {
    organizationId: string;
    /** Only the fields that changed, each with its value before and after. */
    changes: {
      name?: FieldChange<string>;
      description?: FieldChange<string | null>;
      timeZone?: FieldChange<string>;
      type?: FieldChange<OrganizationProfile['type']>;
      industry?: FieldChange<string | null>;
      website?: FieldChange<string | null>;
      primaryContact?: FieldChange<OrganizationProfile['primaryContact']>;
      billingContact?: FieldChange<OrganizationProfile['billingContact']>;
    };
  }
>;
export type OrganizationLogoChanged = DomainEvent<'OrganizationLogoChanged', { organizationId: string; logo: LogoRef }>;
export type OrganizationLogoRemoved = DomainEvent<'OrganizationLogoRemoved', { organizationId: string }>;
export type OrganizationMarkedInArrears = DomainEvent<'OrganizationMarkedInArrears', { organizationId: string; inArrearsAt: string }>;
export type OrganizationArrearsCleared = DomainEvent<'OrganizationArrearsCleared', { organizationId: string; wasInArrearsSince: string }>;
export type OrganizationSessionPolicyChanged = DomainEvent<
  'OrganizationSessionPolicyChanged',
  { organizationId: string; before: SessionPolicy; after: SessionPolicy }
>;
/** `after` empty: no restriction. */
export type OrganizationIpRestrictionsChanged = DomainEvent<'OrganizationIpRestrictionsChanged', { organizationId: string; before: string[]; after: string[] }>;

/** Events about the organization itself (settings, logo, payment status). */
export type OrganizationSettingsEvent =
  | OrganizationCreated
  | OrganizationSettingsUpdated
  | OrganizationLogoChanged
  | OrganizationLogoRemoved
  | OrganizationMarkedInArrears
  | OrganizationArrearsCleared
  | OrganizationSessionPolicyChanged
  | OrganizationIpRestrictionsChanged
  | OrganizationSlugChanged
  | OrganizationDeletionRequested
  | OrganizationRestored
  | OrganizationPurged
  | OrganizationSettingsChanged
  | EmailDomainAdded
  | EmailDomainVerified
  | EmailDomainRemoved
  | OrganizationLanguagesChanged;

/** Everything in an organization's stream: its settings, its members and classes, its SSO providers, its departments and teams. */
export type OrganizationEvent = OrganizationSettingsEvent | MembershipEvent | JoiningEvent | SsoEvent | StructureEvent | XapiCredentialEvent;

export const ORGANIZATION_EVENT_TYPES = eventTypes<OrganizationSettingsEvent>({
  OrganizationCreated: true,
  OrganizationSettingsUpdated: true,
  OrganizationLogoChanged: true,
  OrganizationLogoRemoved: true,
  OrganizationMarkedInArrears: true,
  OrganizationArrearsCleared: true,
  OrganizationSessionPolicyChanged: true,
  OrganizationIpRestrictionsChanged: true,
  OrganizationSlugChanged: true,
  OrganizationDeletionRequested: true,
  OrganizationRestored: true,
  OrganizationPurged: true,
  OrganizationSettingsChanged: true,
  EmailDomainAdded: true,
  EmailDomainVerified: true,
  EmailDomainRemoved: true,
  OrganizationLanguagesChanged: true,
});

// ---- State ---------------------------------------------------------------------------
export type OrganizationState =
  | { status: 'absent' }
  /** Deleted and purged: the id stays taken, and nothing can be done with it. */
  | { status: 'purged'; id: string; purgedAt: string }
  | {
      status: 'existing';
      id: string;
      name: string;
      description: string | null;
      timeZone: string;
      profile: OrganizationProfile;
      logo: LogoRef | null;
      inArrearsAt: string | null;
      sessionPolicy: SessionPolicy;
      /** CIDR ranges its members may come from (issue 20); empty: anywhere. */
      ipRanges: string[];
      /** Null for organizations created before slugs, until an admin chooses one. */
      slug: string | null;
      /** Slugs the organization moved away from, each leading here until its date. */
      previousSlugs: { slug: string; until: string }[];
      /** Set while a deletion waits: the organization is suspended and can be restored until `purgeAt`. */
      deletion: { requestedAt: string; purgeAt: string } | null;
      settings: OrganizationSettings;
      allowances: SettingsAllowances;
      /** The settings' own version (the ETag of GET and PATCH /settings): 0 until the first change. */
      settingsVersion: number;
      /** The languages it teaches, its default first. */
      languageIds: readonly string[];
      /** The key it holds each of them by in the platform's catalogue. */
      languageHolders: Readonly<Record<string, string>>;
      /** Join requests by id (self-registration that waits for an admin). */
      joinRequests: Readonly<Record<string, JoinRequest>>;
      /** Email domains by name, pending or verified. */
      emailDomains: Readonly<Record<string, EmailDomain>>;
      /** Keys learning content reports progress with (xAPI), revoked ones kept. */
      xapiCredentials: Readonly<Record<string, XapiCredential>>;
      /**
       * The organization profile's own version (its ETag): 0 when created, one more for
       * each change to the organization itself. Member, class and SSO changes have their
       * own versions, so they do not make a settings form stale.
       */
      version: number;
      members: PersistentMap<Member>;
      classes: PersistentMap<ClassRecord>;
      emails: PersistentMap<string>;
      ssoProviders: PersistentMap<SsoProvider>;
      ssoIdentities: PersistentMap<string>;
      departments: PersistentMap<Department>;
      teams: PersistentMap<Team>;
    };

export type ExistingOrganization = Extract<OrganizationState, { status: 'existing' }>;

export const organizationStreamName = (organizationId: string): string => `organization-${organizationId}`;

// ---- Input normalisation shared by create and edit ------------------------------------
interface Settings {
  name: string;
  description: string | null;
  timeZone: string;
}

export function validateSettings(
  input: { name: string; description?: string | null; timeZone: string },
  nameBounds: { min: number; max: number },
  /** Errors found in the rest of the request (the profile), reported together with these. */
  more?: FieldErrors,
): Settings {
  const errors = new FieldErrors();
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  const nameLength = lengthOf(name);
  if (nameLength === 0) errors.add('name', 'name is required');
  else if (nameLength < nameBounds.min || nameLength > nameBounds.max)
    errors.add('name', nameBounds.min > 1
      ? `name must be between ${nameBounds.min} and ${nameBounds.max} characters`
      : `name must be at most ${nameBounds.max} characters`);

  const rawDescription = input.description == null ? '' : String(input.description).trim();
  if (lengthOf(rawDescription) > ORGANIZATION_RULES.descriptionMax)
    errors.add('description', `description must be at most ${ORGANIZATION_RULES.descriptionMax} characters`);

  const timeZone = typeof input.timeZone === 'string' && input.timeZone.trim() !== '' ? canonicalTimeZone(input.timeZone.trim()) : null;
  if (!input.timeZone || (typeof input.timeZone === 'string' && input.timeZone.trim() === '')) errors.add('timeZone', 'timeZone is required');
  else if (!timeZone) errors.add('timeZone', 'timeZone must be a valid IANA time zone, for example Europe/Paris');

  if (errors.any || more?.any) throw new ValidationFailed('invalid-organization-settings', [...errors.errors, ...(more?.errors ?? [])]);
  return { name, description: rawDescription === '' ? null : rawDescription, timeZone: timeZone! };
}

export function requireExisting(state: OrganizationState): Extract<OrganizationState, { status: 'existing' }> {
  if (state.status !== 'existing') throw new DomainError('organization-not-found', 'No such organization');
  return state;
}

/** While a deletion waits, the organization is frozen: only restoring or purging it is decided. */
export function requireNotBeingDeleted(state: ExistingOrganization): void {
  if (state.deletion)
    throw new DomainError('organization-deletion-pending', `This organization is being deleted; a super admin can restore it until ${state.deletion.purgeAt}`, {
      purgeAt: state.deletion.purgeAt,
    });
}
