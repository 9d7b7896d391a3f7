import { ValidationFailed } from '../shared/domain-error.js';
import { FieldErrors } from '../shared/validation.js';
import { SESSION_POLICY_BOUNDS, type ExistingOrganization, type OrganizationCommand, type OrganizationEvent } from './organization.js';

/** How long members' sessions last (multi-tenant guide, Policies: session timeouts). */
export function setSessionPolicy(command: Extract<OrganizationCommand, { type: 'SetSessionPolicy' }>, state: ExistingOrganization): OrganizationEvent[] {
  const org = state;
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
