import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import type { ExistingOrganization, OrganizationCommand, OrganizationEvent } from './organization.js';

export const ORGANIZATION_LANGUAGES_MAX = 20;

/**
 * The languages an organization teaches, its default first (issue 18). The process held
 * each new one in the platform's catalogue first, with a fresh key given here in
 * `holders` (a removed language is a 404 there), so the organization never points at a
 * language that is gone. A language kept keeps the key it was held by; the keys of the
 * languages dropped are in the event, for the process to let go of.
 *
 * Classes are taught in one of the organization's languages: a language an active class
 * is taught in cannot be dropped (409 with the classes); archived classes taught in it
 * lose their language in the same event, so none points at a language nobody holds.
 */
export function setOrganizationLanguages(command: Extract<OrganizationCommand, { type: 'SetOrganizationLanguages' }>, org: ExistingOrganization): OrganizationEvent[] {
  const { languageIds, holders } = command.data;
  if (!Array.isArray(languageIds) || languageIds.some((id) => typeof id !== 'string' || id === '') || languageIds.length > ORGANIZATION_LANGUAGES_MAX)
    throw new ValidationFailed('invalid-organization-settings', [{ field: 'languageIds', message: `languageIds must list at most ${ORGANIZATION_LANGUAGES_MAX} language ids, the default first` }]);
  if (new Set(languageIds).size !== languageIds.length) throw new ValidationFailed('invalid-organization-settings', [{ field: 'languageIds', message: 'languageIds must name each language once' }]);
  if (languageIds.join() === org.languageIds.join()) return [];
  const dropped = org.languageIds.filter((id) => !languageIds.includes(id));
  const classes = [...org.classes.values()].filter((c) => c.languageId !== null && dropped.includes(c.languageId));
  const active = classes.filter((c) => c.status === 'active');
  if (active.length > 0)
    throw new DomainError('language-taught-in-classes', 'Active classes are taught in a language this change drops; give them another language first', {
      classes: active.map((c) => ({ id: c.id, name: c.name, languageId: c.languageId })),
    });
  const kept: Record<string, string> = {};
  for (const id of languageIds) {
    const holder = org.languageHolders[id] ?? holders?.[id];
    // The process holds each new language before asking; without a key it did not.
    if (!holder) throw new Error(`No hold key for the language ${id}`);
    kept[id] = holder;
  }
  const released = Object.fromEntries(dropped.map((id) => [id, org.languageHolders[id]]));
  const archivedClassesCleared = classes.map((c) => ({ classId: c.id, languageId: c.languageId! }));
  return [
    {
      type: 'OrganizationLanguagesChanged',
      data: { organizationId: org.id, before: [...org.languageIds], after: [...languageIds], holders: kept, released, ...(archivedClassesCleared.length ? { archivedClassesCleared } : {}) },
    },
  ];
}
