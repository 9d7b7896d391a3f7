import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { FieldErrors } from '../shared/validation.js';

/**
 * The platform aggregate holds what is platform-wide rather than organization-scoped:
 * the super admins and the one-time bootstrap link that creates the first of them.
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
    };

export type SuperAdminRegistered = DomainEvent<
  'SuperAdminRegistered',
  { superAdminId: string; email: string; passwordHash: string; method: 'environment' | 'bootstrap-link' }
>;
/** Only the hash of the link's token enters the log; the token itself is printed once. */
export type BootstrapLinkIssued = DomainEvent<'BootstrapLinkIssued', { tokenHash: string; expiresAt: string }>;

export type PlatformEvent = SuperAdminRegistered | BootstrapLinkIssued;

export interface PlatformState {
  status: 'platform';
  superAdmins: { id: string; email: string }[];
  bootstrapLink: { tokenHash: string; expiresAt: string } | null;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
export const isValidEmail = (email: string): boolean => email.length <= 254 && EMAIL_PATTERN.test(email);

function requireNoSuperAdmin(state: PlatformState): void {
  if (state.superAdmins.length > 0)
    throw new DomainError('super-admin-already-exists', 'A super admin already exists; bootstrap is closed', 'conflict');
}

function validEmail(email: string): string {
  const trimmed = email.trim();
  if (!isValidEmail(trimmed)) throw new ValidationFailed('invalid-email', new FieldErrors().add('email', 'email must be a valid address').errors);
  return trimmed;
}

export function decidePlatform(command: PlatformCommand, state: PlatformState): PlatformEvent[] {
  switch (command.type) {
    case 'RegisterSuperAdmin': {
      requireNoSuperAdmin(state);
      const { superAdminId, passwordHash } = command.data;
      return [{ type: 'SuperAdminRegistered', data: { superAdminId, email: validEmail(command.data.email), passwordHash, method: 'environment' } }];
    }
    case 'IssueBootstrapLink': {
      requireNoSuperAdmin(state);
      return [{ type: 'BootstrapLinkIssued', data: { tokenHash: command.data.tokenHash, expiresAt: command.data.expiresAt } }];
    }
    case 'CompleteBootstrap': {
      const link = state.bootstrapLink;
      // Used, expired and unknown links get one answer: the caller learns nothing more.
      if (state.superAdmins.length > 0 || !link || link.tokenHash !== command.data.tokenHash || link.expiresAt <= command.data.now)
        throw new DomainError('setup-link-invalid', 'This setup link is invalid, has expired or was already used', 'rule');
      const { superAdminId, passwordHash } = command.data;
      return [
        {
          type: 'SuperAdminRegistered',
          data: { superAdminId, email: validEmail(command.data.email), passwordHash, method: 'bootstrap-link' },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

export function evolvePlatform(state: PlatformState, event: PlatformEvent): PlatformState {
  switch (event.type) {
    case 'SuperAdminRegistered':
      return {
        ...state,
        superAdmins: [...state.superAdmins, { id: event.data.superAdminId, email: event.data.email }],
        bootstrapLink: null,
      };
    case 'BootstrapLinkIssued':
      return { ...state, bootstrapLink: { tokenHash: event.data.tokenHash, expiresAt: event.data.expiresAt } };
    default:
      return assertNever(event);
  }
}

export const platformDecider: Decider<PlatformCommand, PlatformEvent, PlatformState> = {
  initialState: () => ({ status: 'platform', superAdmins: [], bootstrapLink: null }),
  evolve: evolvePlatform,
  decide: decidePlatform,
};
