import type { ExistingOrganization, OrganizationCommand, OrganizationEvent } from './organization.js';

/** Changing and removing the organization's logo. */
export function changeLogo(command: Extract<OrganizationCommand, { type: 'ChangeOrganizationLogo' }>, state: ExistingOrganization): OrganizationEvent[] {
  const org = state;
  if (org.logo?.sha256 === command.data.logo.sha256) return [];
  return [{ type: 'OrganizationLogoChanged', data: { organizationId: org.id, logo: command.data.logo } }];
}

export function removeLogo(command: Extract<OrganizationCommand, { type: 'RemoveOrganizationLogo' }>, state: ExistingOrganization): OrganizationEvent[] {
  const org = state;
  if (!org.logo) return [];
  return [{ type: 'OrganizationLogoRemoved', data: { organizationId: org.id } }];
}
