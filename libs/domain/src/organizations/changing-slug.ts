import { ValidationFailed } from '../shared/domain-error.js';
import { FieldErrors } from '../shared/validation.js';
import { type ExistingOrganization, type OrganizationCommand, type OrganizationEvent } from './organization.js';
import { checkSlug, redirectUntil } from './slug.js';

/**
 * Changing the slug (issue 16). The new slug is already reserved for this organization
 * platform-wide (the process reserves it first); the old one keeps leading here for 90
 * days. Taking back a slug the organization had before is a change like any other.
 */
export function changeSlug(command: Extract<OrganizationCommand, { type: 'ChangeOrganizationSlug' }>, org: ExistingOrganization): OrganizationEvent[] {
  const slug = validSlug(command.data.slug);
  if (slug === org.slug) return [];
  return [{ type: 'OrganizationSlugChanged', data: { organizationId: org.id, before: org.slug, after: slug, redirectUntil: org.slug ? redirectUntil(command.data.now) : null } }];
}

export function validSlug(raw: unknown): string {
  const errors = new FieldErrors();
  const slug = checkSlug(raw, errors);
  if (!slug) throw new ValidationFailed('invalid-organization-settings', errors.errors);
  return slug;
}
