import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { localMidnightOnOrAfter } from '../shared/local-time.js';
import { FieldErrors } from '../shared/validation.js';
import { requireOwnerActor } from '../members/owners.js';
import { RESTORE_WINDOW_DAYS, type ExistingOrganization, type OrganizationCommand, type OrganizationEvent } from './organization.js';

/**
 * Deleting an organization (multi-tenant guide, Organization Details; issue 16): an owner
 * or a super admin asks, naming the organization exactly; it is suspended at once and a
 * super admin can restore it for 30 days; then the purge job removes it from every read
 * model and frees its members' emails and its slugs. The events remain.
 */

/** The purge is due at the first midnight, in the organization's time zone, 30 days after the request. */
export const purgeTime = (requestedAt: string, timeZone: string): string =>
  new Date(localMidnightOnOrAfter(Date.parse(requestedAt) + RESTORE_WINDOW_DAYS * 86_400_000, timeZone)).toISOString();

export function requestDeletion(command: Extract<OrganizationCommand, { type: 'RequestOrganizationDeletion' }>, org: ExistingOrganization): OrganizationEvent[] {
  const { actorId, confirmName, now } = command.data;
  requireOwnerActor(org, actorId, 'delete the organization');
  // Asking twice changes nothing: the first request's dates stand.
  if (org.deletion) return [];
  if (typeof confirmName !== 'string' || confirmName.trim() !== org.name)
    throw new ValidationFailed('invalid-deletion-request', new FieldErrors().add('confirmName', "confirmName must be the organization's name, exactly as it is written").errors);
  return [{ type: 'OrganizationDeletionRequested', data: { organizationId: org.id, name: org.name, requestedAt: now, purgeAt: purgeTime(now, org.timeZone) } }];
}

/** Super admins only: a member (even an owner) cannot undo what an owner asked for. */
export function restoreOrganization(command: Extract<OrganizationCommand, { type: 'RestoreOrganization' }>, org: ExistingOrganization): OrganizationEvent[] {
  const { actorId, now } = command.data;
  if (actorId !== undefined && org.members.has(actorId)) throw new DomainError('forbidden', 'Only a super admin can restore an organization');
  if (!org.deletion) throw new DomainError('organization-not-being-deleted', 'This organization is not being deleted');
  if (Date.parse(now) >= Date.parse(org.deletion.purgeAt))
    throw new DomainError('restore-window-closed', `The ${RESTORE_WINDOW_DAYS} days to restore this organization ended at ${org.deletion.purgeAt}`, { purgeAt: org.deletion.purgeAt });
  return [{ type: 'OrganizationRestored', data: { organizationId: org.id, deletionRequestedAt: org.deletion.requestedAt } }];
}

export function purgeOrganization(command: Extract<OrganizationCommand, { type: 'PurgeOrganization' }>, org: ExistingOrganization): OrganizationEvent[] {
  const { now } = command.data;
  if (!org.deletion) throw new DomainError('organization-not-being-deleted', 'This organization is not being deleted');
  if (Date.parse(now) < Date.parse(org.deletion.purgeAt))
    throw new DomainError('purge-not-due', `This organization can still be restored until ${org.deletion.purgeAt}`, { purgeAt: org.deletion.purgeAt });
  const { slugs, languageIds } = purgeReleases(org);
  const classLanguages: Record<string, number> = {};
  for (const c of org.classes.values()) if (c.languageId) classLanguages[c.languageId] = (classLanguages[c.languageId] ?? 0) + 1;
  return [{ type: 'OrganizationPurged', data: { organizationId: org.id, purgedAt: now, deletionRequestedAt: org.deletion.requestedAt, slugs, languageIds, classLanguages } }];
}

/** What the purge frees besides the read models: each member's address, each slug, each verified email domain and the languages it held. */
export function purgeReleases(org: ExistingOrganization): { emails: { userId: string; email: string }[]; slugs: string[]; domains: string[]; languageIds: string[] } {
  return {
    languageIds: [...org.languageIds],
    emails: [...org.members.values()].map((m) => ({ userId: m.id, email: m.email })),
    slugs: [...(org.slug ? [org.slug] : []), ...org.previousSlugs.map((p) => p.slug)],
    domains: Object.values(org.emailDomains).filter((d) => d.status === 'verified').map((d) => d.domain),
  };
}
