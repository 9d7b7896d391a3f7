import { DomainError } from '../shared/domain-error.js';
import { requireNoSuperAdmin, validEmail, type PlatformCommand, type PlatformEvent, type PlatformState } from './platform.js';

/** The first super admin: from the environment, or through a one-time setup link printed at the first boot. */
export function registerSuperAdmin(command: Extract<PlatformCommand, { type: 'RegisterSuperAdmin' }>, state: PlatformState): PlatformEvent[] {
  requireNoSuperAdmin(state);
  const { superAdminId, passwordHash } = command.data;
  return [{ type: 'SuperAdminRegistered', data: { superAdminId, email: validEmail(command.data.email), passwordHash, method: 'environment' } }];
}

/**
 * Processes starting together (replicas on one platform) issue one link between them:
 * a link issued within the last BOOTSTRAP_LINK_SHARED_MS is the one, and the others
 * print where to find it. A process started later (the operator lost the first output)
 * issues a new link, and the old one stops working.
 */
export const BOOTSTRAP_LINK_SHARED_MS = 60_000;

export function issueBootstrapLink(command: Extract<PlatformCommand, { type: 'IssueBootstrapLink' }>, state: PlatformState): PlatformEvent[] {
  requireNoSuperAdmin(state);
  const { tokenHash, expiresAt, now } = command.data;
  const current = state.bootstrapLink;
  if (current?.issuedAt && current.expiresAt > now && Date.parse(now) - Date.parse(current.issuedAt) < BOOTSTRAP_LINK_SHARED_MS)
    throw new DomainError('bootstrap-link-issued-elsewhere', `Another process issued the setup link at ${current.issuedAt}; it is printed in that process's output`, {
      issuedAt: current.issuedAt,
    });
  return [{ type: 'BootstrapLinkIssued', data: { tokenHash, expiresAt, issuedAt: now } }];
}

export function completeBootstrap(command: Extract<PlatformCommand, { type: 'CompleteBootstrap' }>, state: PlatformState): PlatformEvent[] {
  const link = state.bootstrapLink;
  // Used, expired and unknown links get one answer: the caller learns nothing more.
  if (state.superAdmins.length > 0 || !link || link.tokenHash !== command.data.tokenHash || link.expiresAt <= command.data.now)
    throw new DomainError('setup-link-invalid', 'This setup link is invalid, has expired or was already used');
  const { superAdminId, passwordHash } = command.data;
  return [
    {
      type: 'SuperAdminRegistered',
      data: { superAdminId, email: validEmail(command.data.email), passwordHash, method: 'bootstrap-link' },
    },
  ];
}
