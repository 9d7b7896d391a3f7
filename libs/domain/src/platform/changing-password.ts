import { DomainError } from '../shared/domain-error.js';
import type { PlatformCommand, PlatformEvent, PlatformState } from './platform.js';

/**
 * A super admin or an active platform auditor changes their own password. The caller
 * has checked the current password and the policy; the log keeps the new hash.
 */
export function changePlatformPassword(command: Extract<PlatformCommand, { type: 'ChangePlatformPassword' }>, state: PlatformState): PlatformEvent[] {
  const { accountId, actorId, passwordHash } = command.data;
  const known = state.superAdmins.some((s) => s.id === accountId) || state.auditors.some((a) => a.id === accountId && a.status === 'active');
  if (!known) throw new DomainError('user-not-found', 'No such account');
  if (actorId !== accountId) throw new DomainError('forbidden', 'A password is changed only by its owner');
  return [{ type: 'PlatformPasswordChanged', data: { accountId, passwordHash } }];
}
