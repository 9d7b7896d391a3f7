import { DomainError } from '../shared/domain-error.js';
import type { PlatformCommand, PlatformEvent, PlatformState } from './platform.js';

/**
 * Erasing a platform account's personal data (issue 20): a platform auditor or analyst
 * once removed. Their keys are destroyed by the write side after the event is stored, as
 * for a member (members/erasing-user.ts). An account still in use is removed first;
 * erasing twice changes nothing.
 */
export function erasePlatformAccount(command: Extract<PlatformCommand, { type: 'ErasePlatformAccount' }>, state: PlatformState): PlatformEvent[] {
  const { accountId, now } = command.data;
  if (state.superAdmins.some((s) => s.id === accountId) || state.auditors.some((a) => a.id === accountId))
    throw new DomainError('platform-account-not-removed', 'Remove the platform account before erasing it');
  if (!(state.removed ?? []).includes(accountId)) throw new DomainError('platform-account-not-found', 'No such removed platform account');
  if ((state.erased ?? []).includes(accountId)) return [];
  return [{ type: 'PlatformAccountErased', data: { accountId, erasedAt: now } }];
}
