import { DomainError } from '../shared/domain-error.js';
import { ORGANIZATION_RULES, validateSettings, type OrganizationCommand, type OrganizationEvent, type OrganizationState } from './organization.js';

/** Creating an organization (guide: Creating Organizations). */
export function createOrganization(command: Extract<OrganizationCommand, { type: 'CreateOrganization' }>, state: OrganizationState): OrganizationEvent[] {
  if (state.status !== 'absent')
    throw new DomainError('organization-already-exists', 'An organization with this id already exists');
  const settings = validateSettings(command.data, { min: ORGANIZATION_RULES.createNameMin, max: ORGANIZATION_RULES.createNameMax });
  return [
    {
      type: 'OrganizationCreated',
      data: { organizationId: command.data.organizationId, ...settings, createdAt: command.data.now },
    },
  ];
}
