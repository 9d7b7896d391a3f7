import { assertNever, eventTypes, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { FieldErrors } from '../shared/validation.js';
import { emailKey } from '../shared/email.js';
import type { SetupTokenRecord } from '../members/membership.js';

/**
 * The platform aggregate holds what is platform-wide rather than organization-scoped:
 * the super admins, the one-time bootstrap link that creates the first of them, and
 * the platform auditors (read-only, every organization's audit trail).
 * One stream, so "no super admin exists yet" is checked and acted on atomically even
 * when several replicas boot at once.
 */
export const PLATFORM_ID = '00000000-0000-0000-0000-000000000000';
export const PLATFORM_STREAM = `platform-${PLATFORM_ID}`;

export type PlatformCommand =
  | {
      type: 'RegisterSuperAdmin';
      data: { superAdminId: string; email: string; passwordHash: string; method: 'environment' };
    }
  | { type: 'IssueBootstrapLink'; data: { tokenHash: string; expiresAt: string; now: string } }
  | {
      type: 'CompleteBootstrap';
      data: { tokenHash: string; superAdminId: string; email: string; passwordHash: string; now: string };
    }
  /** `role`: a platform auditor (the default) or a platform analyst (issue 19). */
  | { type: 'InvitePlatformAuditor'; data: { auditorId: string; email: string; firstName: string; lastName: string; setupToken: SetupTokenRecord; role?: PlatformRole } }
  | { type: 'CompletePlatformAuditorSetup'; data: { auditorId: string; tokenHash: string; passwordHash: string; now: string } }
  /** `role`: removed only if the account has it (a route for auditors does not remove an analyst); absent: any. */
  | { type: 'RemovePlatformAuditor'; data: { auditorId: string; role?: PlatformRole } }
  /** A super admin erases a removed platform account's personal data (issue 20; platform/erasing-account.ts). */
  | { type: 'ErasePlatformAccount'; data: { accountId: string; now: string } }
  /** A super admin or platform auditor changes their own password (platform/changing-password.ts). */
  | { type: 'ChangePlatformPassword'; data: { accountId: string; actorId: string; passwordHash: string } };

export type SuperAdminRegistered = DomainEvent<
  'SuperAdminRegistered',
  { superAdminId: string; email: string; passwordHash: string; method: 'environment' | 'bootstrap-link' }
>;
/**
 * Only the hash of the link's token enters the log; the token itself is printed once.
 * `issuedAt`: links issued before it was recorded have none (they count as old).
 */
export type BootstrapLinkIssued = DomainEvent<'BootstrapLinkIssued', { tokenHash: string; expiresAt: string; issuedAt?: string }>;

/**
 * What a platform account other than a super admin may do: `auditor` reads every
 * organization's audit trail; `analyst` (issue 19) reads every organization's reports and
 * exports, with members under pseudonyms. Both change nothing.
 */
export type PlatformRole = 'auditor' | 'analyst';

/** `role`: absent on invitations from before platform analysts, which were all auditors. */
export type PlatformAuditorInvited = DomainEvent<
  'PlatformAuditorInvited',
  { auditorId: string; email: string; firstName: string; lastName: string; setupTokenHash: string; setupTokenCiphertext: string; setupExpiresAt: string; role?: PlatformRole }
>;
export type PlatformAuditorSetupCompleted = DomainEvent<'PlatformAuditorSetupCompleted', { auditorId: string; email: string; passwordHash: string }>;
export type PlatformAuditorRemoved = DomainEvent<'PlatformAuditorRemoved', { auditorId: string; email: string }>;

/** Only the new hash enters the log (the audit trail redacts it); the old one is simply superseded. */
export type PlatformPasswordChanged = DomainEvent<'PlatformPasswordChanged', { accountId: string; passwordHash: string }>;

/** A removed platform account's keys are destroyed (issue 20): what it sealed reads as erased. Names only its id. */
export type PlatformAccountErased = DomainEvent<'PlatformAccountErased', { accountId: string; erasedAt: string }>;

export type PlatformEvent = SuperAdminRegistered | BootstrapLinkIssued | PlatformAuditorInvited | PlatformAuditorSetupCompleted | PlatformAuditorRemoved | PlatformPasswordChanged | PlatformAccountErased;

export const PLATFORM_EVENT_TYPES = eventTypes<PlatformEvent>({
  SuperAdminRegistered: true,
  BootstrapLinkIssued: true,
  PlatformAuditorInvited: true,
  PlatformAuditorSetupCompleted: true,
  PlatformAuditorRemoved: true,
  PlatformPasswordChanged: true,
  PlatformAccountErased: true,
});

/** A platform auditor or a platform analyst (`role`): invited by a super admin, set up through a mailed link. */
export interface PlatformAuditor {
  id: string;
  role: PlatformRole;
  email: string;
  firstName: string;
  lastName: string;
  status: 'setupPending' | 'active';
  setupTokenHash: string | null;
  setupExpiresAt: string | null;
}

export interface PlatformState {
  status: 'platform';
  superAdmins: { id: string; email: string }[];
  bootstrapLink: { tokenHash: string; expiresAt: string; issuedAt: string | null } | null;
  auditors: PlatformAuditor[];
  /** Platform accounts removed (issue 20: only these may be erased), and those erased since. */
  removed?: readonly string[];
  erased?: readonly string[];
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The canonical key of an address (see shared/email.ts): uniqueness and look-ups compare it. */
export const normalizeEmail = emailKey;
export const isValidEmail = (email: string): boolean => email.length <= 254 && EMAIL_PATTERN.test(email);

export function requireNoSuperAdmin(state: PlatformState): void {
  if (state.superAdmins.length > 0)
    throw new DomainError('super-admin-already-exists', 'A super admin already exists; bootstrap is closed');
}

export function validEmail(email: string): string {
  const trimmed = email.trim();
  if (!isValidEmail(trimmed)) throw new ValidationFailed('invalid-email', new FieldErrors().add('email', 'email must be a valid address').errors);
  return trimmed;
}


/** The auditor whose current setup link has this hash, if any. */
export const auditorBySetupToken = (state: PlatformState, tokenHash: string): PlatformAuditor | undefined =>
  state.auditors.find((a) => a.status === 'setupPending' && a.setupTokenHash === tokenHash);

export function evolvePlatform(state: PlatformState, event: PlatformEvent): PlatformState {
  switch (event.type) {
    case 'SuperAdminRegistered':
      return {
        ...state,
        superAdmins: [...state.superAdmins, { id: event.data.superAdminId, email: event.data.email }],
        bootstrapLink: null,
      };
    case 'BootstrapLinkIssued':
      return { ...state, bootstrapLink: { tokenHash: event.data.tokenHash, expiresAt: event.data.expiresAt, issuedAt: event.data.issuedAt ?? null } };
    case 'PlatformAuditorInvited': {
      const d = event.data;
      const auditor: PlatformAuditor = { id: d.auditorId, role: d.role ?? 'auditor', email: d.email, firstName: d.firstName, lastName: d.lastName, status: 'setupPending', setupTokenHash: d.setupTokenHash, setupExpiresAt: d.setupExpiresAt };
      return { ...state, auditors: [...state.auditors, auditor] };
    }
    case 'PlatformAuditorSetupCompleted':
      return {
        ...state,
        auditors: state.auditors.map((a) => (a.id === event.data.auditorId ? { ...a, status: 'active' as const, setupTokenHash: null, setupExpiresAt: null } : a)),
      };
    case 'PlatformAuditorRemoved':
      return { ...state, auditors: state.auditors.filter((a) => a.id !== event.data.auditorId), removed: [...(state.removed ?? []), event.data.auditorId] };
    case 'PlatformAccountErased':
      return { ...state, erased: [...(state.erased ?? []), event.data.accountId] };
    case 'PlatformPasswordChanged':
      // The state keeps no password: the accounts read model does, for sign-in.
      return state;
    default:
      return assertNever(event);
  }
}
