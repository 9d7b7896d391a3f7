import { DomainError } from '../shared/domain-error.js';
import type { ExistingOrganization, OrganizationCommand, OrganizationEvent } from '../organizations/organization.js';
import { validDomain } from './domains.js';

/** Adding, verifying and removing an organization's email domains (issue 17). */
export function addEmailDomain(command: Extract<OrganizationCommand, { type: 'AddEmailDomain' }>, org: ExistingOrganization): OrganizationEvent[] {
  const domain = validDomain(command.data.domain);
  if (org.emailDomains[domain]) throw new DomainError('domain-already-added', 'This organization has this domain already', { domain });
  return [{ type: 'EmailDomainAdded', data: { organizationId: org.id, domain, token: command.data.token, addedAt: command.data.now } }];
}

export const emailDomain = (org: ExistingOrganization, domain: string) => {
  const found = org.emailDomains[domain.trim().toLowerCase()];
  if (!found) throw new DomainError('domain-not-found', 'No such domain in this organization');
  return found;
};

/** Marks a domain verified; the process checked its TXT record and claimed it platform-wide first. */
export function verifyEmailDomain(command: Extract<OrganizationCommand, { type: 'VerifyEmailDomain' }>, org: ExistingOrganization): OrganizationEvent[] {
  const domain = emailDomain(org, command.data.domain);
  if (domain.status === 'verified') return [];
  return [{ type: 'EmailDomainVerified', data: { organizationId: org.id, domain: domain.domain, verifiedAt: command.data.now } }];
}

export function removeEmailDomain(command: Extract<OrganizationCommand, { type: 'RemoveEmailDomain' }>, org: ExistingOrganization): OrganizationEvent[] {
  const domain = emailDomain(org, command.data.domain);
  return [{ type: 'EmailDomainRemoved', data: { organizationId: org.id, domain: domain.domain, wasVerified: domain.status === 'verified' } }];
}
