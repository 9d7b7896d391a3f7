import { FieldErrors } from '../shared/validation.js';
import { ORGANIZATION_RULES, validateSettings, type ExistingOrganization, type OrganizationCommand, type OrganizationEvent, type OrganizationSettingsUpdated } from './organization.js';
import { DomainError } from '../shared/domain-error.js';
import { actsAsOwner, isActiveOwner } from '../members/owners.js';
import { patchProfile, profileChanges } from './profile.js';

/** Editing an organization's settings and profile (guide: Editing Organization Settings; multi-tenant guide: Organization Details). */
export function editOrganization(command: Extract<OrganizationCommand, { type: 'UpdateOrganizationSettings' }>, state: ExistingOrganization): OrganizationEvent[] {
  const org = state;
  const patch = command.data;
  const profileErrors = new FieldErrors();
  const profile = patchProfile(org.profile, patch.profile ?? {}, profileErrors);
  // Absent fields keep their current (valid) values, so only the fields sent can fail.
  const next = validateSettings(
    { name: patch.name ?? org.name, description: patch.description === undefined ? org.description : patch.description, timeZone: patch.timeZone ?? org.timeZone },
    { min: 1, max: ORGANIZATION_RULES.editNameMax },
    profileErrors,
  );
  const changes: OrganizationSettingsUpdated['data']['changes'] = {};
  if (next.name !== org.name) changes.name = { before: org.name, after: next.name };
  if (next.description !== org.description) changes.description = { before: org.description, after: next.description };
  if (next.timeZone !== org.timeZone) changes.timeZone = { before: org.timeZone, after: next.timeZone };
  Object.assign(changes, profileChanges(org.profile, profile));
  // A command that changes nothing writes no event.
  if (Object.keys(changes).length === 0) return [];
  // Billing is an owner's (multi-tenant guide, "Member Roles": owner = admin plus billing).
  // An organization from before owners has none, and its admins keep the admin rules.
  if (changes.billingContact && !actsAsOwner(org, patch.actorId) && [...org.members.values()].some(isActiveOwner))
    throw new DomainError('forbidden', 'Only an owner of the organization can change its billing contact');
  return [{ type: 'OrganizationSettingsUpdated', data: { organizationId: org.id, changes } }];
}
