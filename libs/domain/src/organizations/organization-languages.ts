import { ValidationFailed } from '../shared/domain-error.js';
import type { ExistingOrganization, OrganizationCommand, OrganizationEvent } from './organization.js';

export const ORGANIZATION_LANGUAGES_MAX = 20;

/**
 * The languages an organization teaches, its default first (issue 18). The process held
 * each new one in the platform's catalogue first (a removed language is a 404 there), so
 * the organization never points at a language that is gone.
 */
export function setOrganizationLanguages(command: Extract<OrganizationCommand, { type: 'SetOrganizationLanguages' }>, org: ExistingOrganization): OrganizationEvent[] {
  const { languageIds } = command.data;
  if (!Array.isArray(languageIds) || languageIds.some((id) => typeof id !== 'string' || id === '') || languageIds.length > ORGANIZATION_LANGUAGES_MAX)
    throw new ValidationFailed('invalid-organization-settings', [{ field: 'languageIds', message: `languageIds must list at most ${ORGANIZATION_LANGUAGES_MAX} language ids, the default first` }]);
  if (new Set(languageIds).size !== languageIds.length) throw new ValidationFailed('invalid-organization-settings', [{ field: 'languageIds', message: 'languageIds must name each language once' }]);
  if (languageIds.join() === org.languageIds.join()) return [];
  return [{ type: 'OrganizationLanguagesChanged', data: { organizationId: org.id, before: [...org.languageIds], after: [...languageIds] } }];
}
