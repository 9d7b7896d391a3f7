import { DomainError } from '../shared/domain-error.js';
import { FieldErrors } from '../shared/validation.js';
import { ORGANIZATION_RULES, validateSettings, type OrganizationCommand, type OrganizationEvent, type OrganizationState } from './organization.js';
import { DEFAULT_PROFILE, patchProfile } from './profile.js';
import { checkSlug } from './slug.js';

/** Creating an organization (guide: Creating Organizations; multi-tenant guide: Organization Details, Organization Types). */
export function createOrganization(command: Extract<OrganizationCommand, { type: 'CreateOrganization' }>, state: OrganizationState): OrganizationEvent[] {
  if (state.status !== 'absent')
    throw new DomainError('organization-already-exists', 'An organization with this id already exists');
  const profileErrors = new FieldErrors();
  const profile = patchProfile(DEFAULT_PROFILE, command.data.profile ?? {}, profileErrors);
  const slug = checkSlug(command.data.slug, profileErrors);
  const { name, description, timeZone } = validateSettings(command.data, { min: ORGANIZATION_RULES.createNameMin, max: ORGANIZATION_RULES.createNameMax }, profileErrors);
  return [
    {
      type: 'OrganizationCreated',
      data: { organizationId: command.data.organizationId, name, description, timeZone, profile, slug, createdAt: command.data.now },
    },
  ];
}
