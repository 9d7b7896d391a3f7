import { DomainError } from '../shared/domain-error.js';
import { requireNoSuperAdmin, validEmail, type PlatformCommand, type PlatformEvent, type PlatformState } from './platform.js';

/** The first super admin: from the environment, or through a one-time setup link printed at the first boot. */
export function registerSuperAdmin(command: Extract<PlatformCommand, { type: 'RegisterSuperAdmin' }>, state: PlatformState): PlatformEvent[] {
  requireNoSuperAdmin(state);
  const { superAdminId, passwordHash } = command.data;
  return [{ type: 'SuperAdminRegistered', data: { superAdminId, email: validEmail(command.data.email), passwordHash, method: 'environment' } }];
}

export function issueBootstrapLink(command: Extract<PlatformCommand, { type: 'IssueBootstrapLink' }>, state: PlatformState): PlatformEvent[] {
  requireNoSuperAdmin(state);
  return [{ type: 'BootstrapLinkIssued', data: { tokenHash: command.data.tokenHash, expiresAt: command.data.expiresAt } }];
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
