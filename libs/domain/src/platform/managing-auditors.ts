import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { FieldErrors, lengthOf } from '../shared/validation.js';
import { normalizeEmail, validEmail, type PlatformCommand, type PlatformEvent, type PlatformState } from './platform.js';

/**
 * Platform auditors and platform analysts (super admins invite and remove them; each sets
 * a password through a mailed link). One list, one email rule; `role` says which.
 */
export function invitePlatformAuditor(command: Extract<PlatformCommand, { type: 'InvitePlatformAuditor' }>, state: PlatformState): PlatformEvent[] {
  const { auditorId, setupToken } = command.data;
  const email = validEmail(command.data.email);
  const errors = new FieldErrors();
  const firstName = command.data.firstName?.trim() ?? '';
  const lastName = command.data.lastName?.trim() ?? '';
  if (!firstName || lengthOf(firstName) > 255) errors.add('firstName', 'firstName is required, at most 255 characters');
  if (!lastName || lengthOf(lastName) > 255) errors.add('lastName', 'lastName is required, at most 255 characters');
  if (errors.any) throw new ValidationFailed('invalid-platform-auditor', errors.errors);
  if (state.auditors.some((a) => a.id === auditorId)) throw new DomainError('platform-auditor-already-exists', 'A platform auditor with this id already exists');
  if (state.auditors.some((a) => normalizeEmail(a.email) === normalizeEmail(email)) || state.superAdmins.some((a) => normalizeEmail(a.email) === normalizeEmail(email)))
    throw new DomainError('email-already-in-use', 'This email address is already in use', { errors: [{ field: 'email', message: 'email is already in use' }] });
  return [
    {
      type: 'PlatformAuditorInvited',
      data: { auditorId, email, firstName, lastName, setupTokenHash: setupToken.hash, setupTokenCiphertext: setupToken.ciphertext, setupExpiresAt: setupToken.expiresAt, role: command.data.role ?? 'auditor' },
    },
  ];
}

export function completePlatformAuditorSetup(command: Extract<PlatformCommand, { type: 'CompletePlatformAuditorSetup' }>, state: PlatformState): PlatformEvent[] {
  const auditor = state.auditors.find((a) => a.id === command.data.auditorId);
  if (!auditor || auditor.status !== 'setupPending' || auditor.setupTokenHash !== command.data.tokenHash || !auditor.setupExpiresAt || auditor.setupExpiresAt <= command.data.now)
    throw new DomainError('setup-link-invalid', 'This setup link is invalid, has expired or was already used');
  return [{ type: 'PlatformAuditorSetupCompleted', data: { auditorId: auditor.id, email: auditor.email, passwordHash: command.data.passwordHash } }];
}

export function removePlatformAuditor(command: Extract<PlatformCommand, { type: 'RemovePlatformAuditor' }>, state: PlatformState): PlatformEvent[] {
  const auditor = state.auditors.find((a) => a.id === command.data.auditorId && (command.data.role === undefined || a.role === command.data.role));
  if (!auditor) throw new DomainError('platform-auditor-not-found', command.data.role === 'analyst' ? 'No such platform analyst' : 'No such platform auditor');
  return [{ type: 'PlatformAuditorRemoved', data: { auditorId: auditor.id, email: auditor.email } }];
}
