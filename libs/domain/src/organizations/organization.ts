import { assertNever, eventTypes, type Decider, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { canonicalTimeZone, FieldErrors, lengthOf } from '../shared/validation.js';
import type { LogoRef } from './logo.js';
import { PersistentMap } from '../shared/persistent-map.js';
import {
  decideMembership,
  evolveMembership,
  type MembershipDraft,
  type ClassRecord,
  type Member,
  type MembershipCommand,
  type MembershipEvent,
} from './membership.js';
import { decideSso, evolveSso, SSO_EVENT_TYPES, type SsoCommand, type SsoDraft, type SsoEvent, type SsoProvider } from './sso.js';

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
  | { type: 'CreateOrganization'; data: { organizationId: string; name: string; description?: string | null; timeZone: string; now: string } }
  /** A merge patch: an absent field stays as it is; `description: null` clears it. */
  | { type: 'UpdateOrganizationSettings'; data: { name?: string; description?: string | null; timeZone?: string } }
  | { type: 'ChangeOrganizationLogo'; data: { logo: LogoRef } }
  | { type: 'RemoveOrganizationLogo'; data: Record<string, never> }
  | { type: 'MarkOrganizationInArrears'; data: { now: string } }
  | { type: 'ClearOrganizationArrears'; data: Record<string, never> }
  | { type: 'SetSessionPolicy'; data: SessionPolicy }
  | MembershipCommand
  | SsoCommand;

// ---- Events (past tense; schema versions live in the event metadata) ------------------
export interface FieldChange<T> {
  before: T;
  after: T;
}

export type OrganizationCreated = DomainEvent<
  'OrganizationCreated',
  { organizationId: string; name: string; description: string | null; timeZone: string; createdAt: string }
>;
export type OrganizationSettingsUpdated = DomainEvent<
  'OrganizationSettingsUpdated',
  {
    organizationId: string;
    /** Only the fields that changed, each with its value before and after. */
    changes: { name?: FieldChange<string>; description?: FieldChange<string | null>; timeZone?: FieldChange<string> };
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

/** Events about the organization itself (settings, logo, payment status). */
export type OrganizationSettingsEvent =
  | OrganizationCreated
  | OrganizationSettingsUpdated
  | OrganizationLogoChanged
  | OrganizationLogoRemoved
  | OrganizationMarkedInArrears
  | OrganizationArrearsCleared
  | OrganizationSessionPolicyChanged;

/** Everything in an organization's stream: its settings, its members and classes, its SSO providers. */
export type OrganizationEvent = OrganizationSettingsEvent | MembershipEvent | SsoEvent;

export const ORGANIZATION_EVENT_TYPES = eventTypes<OrganizationSettingsEvent>({
  OrganizationCreated: true,
  OrganizationSettingsUpdated: true,
  OrganizationLogoChanged: true,
  OrganizationLogoRemoved: true,
  OrganizationMarkedInArrears: true,
  OrganizationArrearsCleared: true,
  OrganizationSessionPolicyChanged: true,
});

// ---- State ---------------------------------------------------------------------------
export type OrganizationState =
  | { status: 'absent' }
  | {
      status: 'existing';
      id: string;
      name: string;
      description: string | null;
      timeZone: string;
      logo: LogoRef | null;
      inArrearsAt: string | null;
      sessionPolicy: SessionPolicy;
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
    };

export const organizationStreamName = (organizationId: string): string => `organization-${organizationId}`;

// ---- Input normalisation shared by create and edit ------------------------------------
interface Settings {
  name: string;
  description: string | null;
  timeZone: string;
}

function validateSettings(
  input: { name: string; description?: string | null; timeZone: string },
  nameBounds: { min: number; max: number },
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

  if (errors.any) throw new ValidationFailed('invalid-organization-settings', errors.errors);
  return { name, description: rawDescription === '' ? null : rawDescription, timeZone: timeZone! };
}

function requireExisting(state: OrganizationState): Extract<OrganizationState, { status: 'existing' }> {
  if (state.status !== 'existing') throw new DomainError('organization-not-found', 'No such organization');
  return state;
}

// ---- Decide ----------------------------------------------------------------------------
export function decideOrganization(command: OrganizationCommand, state: OrganizationState): OrganizationEvent[] {
  switch (command.type) {
    case 'CreateOrganization': {
      if (state.status !== 'absent')
        throw new DomainError('organization-already-exists', 'An organization with this id already exists');
      const settings = validateSettings(command.data, { min: ORGANIZATION_RULES.createNameMin, max: ORGANIZATION_RULES.createNameMax });
      return [
        {
          type: 'OrganizationCreated',
          data: { organizationId: command.data.organizationId, ...settings, createdAt: command.data.now },
        },
      ];
    }
    case 'UpdateOrganizationSettings': {
      const org = requireExisting(state);
      const patch = command.data;
      // Absent fields keep their current (valid) values, so only the fields sent can fail.
      const next = validateSettings(
        { name: patch.name ?? org.name, description: patch.description === undefined ? org.description : patch.description, timeZone: patch.timeZone ?? org.timeZone },
        { min: 1, max: ORGANIZATION_RULES.editNameMax },
      );
      const changes: OrganizationSettingsUpdated['data']['changes'] = {};
      if (next.name !== org.name) changes.name = { before: org.name, after: next.name };
      if (next.description !== org.description) changes.description = { before: org.description, after: next.description };
      if (next.timeZone !== org.timeZone) changes.timeZone = { before: org.timeZone, after: next.timeZone };
      // A command that changes nothing writes no event.
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'OrganizationSettingsUpdated', data: { organizationId: org.id, changes } }];
    }
    case 'ChangeOrganizationLogo': {
      const org = requireExisting(state);
      if (org.logo?.sha256 === command.data.logo.sha256) return [];
      return [{ type: 'OrganizationLogoChanged', data: { organizationId: org.id, logo: command.data.logo } }];
    }
    case 'RemoveOrganizationLogo': {
      const org = requireExisting(state);
      if (!org.logo) return [];
      return [{ type: 'OrganizationLogoRemoved', data: { organizationId: org.id } }];
    }
    case 'MarkOrganizationInArrears': {
      const org = requireExisting(state);
      // Marking twice keeps the first date: it is when the payment problem began.
      if (org.inArrearsAt) return [];
      return [{ type: 'OrganizationMarkedInArrears', data: { organizationId: org.id, inArrearsAt: command.data.now } }];
    }
    case 'ClearOrganizationArrears': {
      const org = requireExisting(state);
      if (!org.inArrearsAt) return [];
      return [{ type: 'OrganizationArrearsCleared', data: { organizationId: org.id, wasInArrearsSince: org.inArrearsAt } }];
    }
    case 'SetSessionPolicy': {
      const org = requireExisting(state);
      const { idleTimeoutMinutes, absoluteTimeoutHours } = command.data;
      const b = SESSION_POLICY_BOUNDS;
      const errors = new FieldErrors();
      if (!Number.isInteger(idleTimeoutMinutes) || idleTimeoutMinutes < b.idleMin || idleTimeoutMinutes > b.idleMax)
        errors.add('idleTimeoutMinutes', `idleTimeoutMinutes must be a whole number from ${b.idleMin} to ${b.idleMax}`);
      if (!Number.isInteger(absoluteTimeoutHours) || absoluteTimeoutHours < b.absoluteMin || absoluteTimeoutHours > b.absoluteMax)
        errors.add('absoluteTimeoutHours', `absoluteTimeoutHours must be a whole number from ${b.absoluteMin} to ${b.absoluteMax}`);
      else if (Number.isInteger(idleTimeoutMinutes) && idleTimeoutMinutes > absoluteTimeoutHours * 60)
        errors.add('idleTimeoutMinutes', 'idleTimeoutMinutes cannot be longer than the absolute timeout');
      if (errors.any) throw new ValidationFailed('invalid-session-policy', errors.errors);
      if (org.sessionPolicy.idleTimeoutMinutes === idleTimeoutMinutes && org.sessionPolicy.absoluteTimeoutHours === absoluteTimeoutHours) return [];
      return [{ type: 'OrganizationSessionPolicyChanged', data: { organizationId: org.id, before: org.sessionPolicy, after: { idleTimeoutMinutes, absoluteTimeoutHours } } }];
    }
    case 'AddSsoProvider':
    case 'UpdateSsoProvider':
    case 'RemoveSsoProvider':
    case 'LinkSsoIdentity':
    case 'RecordIdpInitiatedSignIn':
      return decideSso(command, requireExisting(state));
    default:
      return decideMembership(command, requireExisting(state));
  }
}

// ---- Evolve ----------------------------------------------------------------------------
type ExistingOrganization = Extract<OrganizationState, { status: 'existing' }>;

/** An organization being evolved: its own fields, and drafts of its maps (which change in place until done). */
type OrganizationDraft = Omit<ExistingOrganization, 'members' | 'classes' | 'emails' | 'ssoProviders' | 'ssoIdentities'> & MembershipDraft & SsoDraft;

function draftOf(state: ExistingOrganization): OrganizationDraft {
  return {
    ...state,
    members: state.members.draft(),
    classes: state.classes.draft(),
    emails: state.emails.draft(),
    ssoProviders: state.ssoProviders.draft(),
    ssoIdentities: state.ssoIdentities.draft(),
  };
}

function done(draft: OrganizationDraft): ExistingOrganization {
  return {
    ...draft,
    members: draft.members.done(),
    classes: draft.classes.done(),
    emails: draft.emails.done(),
    ssoProviders: draft.ssoProviders.done(),
    ssoIdentities: draft.ssoIdentities.done(),
  };
}

function created(event: Extract<OrganizationEvent, { type: 'OrganizationCreated' }>): ExistingOrganization {
  return {
    status: 'existing',
    id: event.data.organizationId,
    name: event.data.name,
    description: event.data.description,
    timeZone: event.data.timeZone,
    logo: null,
    inArrearsAt: null,
    sessionPolicy: DEFAULT_SESSION_POLICY,
    version: 0,
    members: PersistentMap.empty(),
    classes: PersistentMap.empty(),
    emails: PersistentMap.empty(),
    ssoProviders: PersistentMap.empty(),
    ssoIdentities: PersistentMap.empty(),
  };
}

/** Applies one event (not OrganizationCreated) to the draft. */
function apply(draft: OrganizationDraft, event: Exclude<OrganizationEvent, { type: 'OrganizationCreated' }>): void {
  switch (event.type) {
    case 'OrganizationSettingsUpdated': {
      const { name, description, timeZone } = event.data.changes;
      if (name) draft.name = name.after;
      if (description) draft.description = description.after;
      if (timeZone) draft.timeZone = timeZone.after;
      draft.version++;
      return;
    }
    case 'OrganizationLogoChanged':
      draft.logo = event.data.logo;
      draft.version++;
      return;
    case 'OrganizationLogoRemoved':
      draft.logo = null;
      draft.version++;
      return;
    case 'OrganizationMarkedInArrears':
      draft.inArrearsAt = event.data.inArrearsAt;
      draft.version++;
      return;
    case 'OrganizationArrearsCleared':
      draft.inArrearsAt = null;
      draft.version++;
      return;
    case 'OrganizationSessionPolicyChanged':
      draft.sessionPolicy = event.data.after;
      draft.version++;
      return;
    default:
      if (SSO_EVENT_TYPES.has(event.type as SsoEvent['type'])) evolveSso(draft, event as SsoEvent);
      else evolveMembership(draft, event as MembershipEvent);
  }
}

/**
 * Applies events in order and returns the new state; the state given stays as it was.
 * Many events share one draft, so rebuilding a 100,000-member organization does not copy
 * a path of each map per event (bench/fold.ts).
 */
export function evolveOrganizationAll(state: OrganizationState, events: Iterable<OrganizationEvent>): OrganizationState {
  let current = state;
  let draft: OrganizationDraft | null = null;
  for (const event of events) {
    if (event.type === 'OrganizationCreated') {
      draft = null;
      current = created(event);
    } else if (current.status === 'existing') {
      draft ??= draftOf(current);
      apply(draft, event);
    }
  }
  return draft ? done(draft) : current;
}

export function evolveOrganization(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  return evolveOrganizationAll(state, [event]);
}

/**
 * Which resource a command is about, as a reader of its version (its ETag) in a state:
 * the organization profile, one user, one class or one SSO provider. An If-Match is
 * checked against it, and a write answers with it, so an invitation never makes the
 * profile's ETag stale. Undefined where the resource does not exist (yet, or any more).
 */
export function resourceVersionOf(command: OrganizationCommand): (state: OrganizationState) => number | undefined {
  const existing = (read: (org: Extract<OrganizationState, { status: 'existing' }>) => number | undefined) => (state: OrganizationState) =>
    state.status === 'existing' ? read(state) : undefined;
  switch (command.type) {
    case 'CreateOrganization':
    case 'UpdateOrganizationSettings':
    case 'ChangeOrganizationLogo':
    case 'RemoveOrganizationLogo':
    case 'MarkOrganizationInArrears':
    case 'ClearOrganizationArrears':
    case 'SetSessionPolicy':
      return existing((org) => org.version);
    case 'InviteUser':
    case 'ResendInvitation':
    case 'CompleteUserSetup':
    case 'EditUser':
    case 'DeactivateUser':
    case 'ReactivateUser':
    case 'EndUserSessions':
    case 'DeleteUser':
      return existing((org) => org.members.get(command.data.userId)?.version);
    case 'CreateClass':
    case 'EditClass':
    case 'ArchiveClass':
      return existing((org) => org.classes.get(command.data.classId)?.version);
    case 'AddSsoProvider':
    case 'UpdateSsoProvider':
    case 'RemoveSsoProvider':
    case 'LinkSsoIdentity':
    case 'RecordIdpInitiatedSignIn':
      return existing((org) => org.ssoProviders.get(command.data.providerId)?.version);
    default:
      return assertNever(command);
  }
}

export const organizationDecider: Decider<OrganizationCommand, OrganizationEvent, OrganizationState> = {
  initialState: () => ({ status: 'absent' }),
  evolve: evolveOrganization,
  evolveAll: evolveOrganizationAll,
  decide: decideOrganization,
};
