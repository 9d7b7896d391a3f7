import { describe, expect, test } from '@jest/globals';
import { company, org, spec, superAdmin } from '../testing/company.js';
import { created as chicagoCreated, id as chicagoId, spec as chicagoSpec } from '../testing/organization.js';
import type { OrganizationEvent } from './organization.js';
import { purgeTime } from './deleting-organization.js';

/**
 * Deleting an organization (issue 16), each rule as given/when/then. The company is
 * "School" in UTC, owned by Olga, with Ann as an admin (testing/company.ts).
 */
const requestedAt = '2026-11-23T10:00:00.000Z';
const requested: OrganizationEvent = { type: 'OrganizationDeletionRequested', data: { organizationId: org, name: 'School', requestedAt, purgeAt: '2026-12-24T00:00:00.000Z' } };

describe('Deleting an organization', () => {
  test('an owner who names the organization exactly asks for its deletion; the purge is due at the first midnight 30 days on', () => {
    spec(company).when({ type: 'RequestOrganizationDeletion', data: { actorId: 'olga', confirmName: 'School', now: requestedAt } }).then([requested]);
  });

  test('a super admin may ask too', () => {
    spec(company).when({ type: 'RequestOrganizationDeletion', data: { actorId: superAdmin.id, confirmName: 'School', now: requestedAt } }).then([requested]);
  });

  test('an admin who is not an owner is refused with 403', () => {
    spec(company).when({ type: 'RequestOrganizationDeletion', data: { actorId: 'ann', confirmName: 'School', now: requestedAt } }).thenFails('forbidden');
  });

  test.each([['another name', 'Academy'], ['another case', 'school'], ['nothing', '']])('a confirmName with %s is refused, naming the field', (_label, confirmName) => {
    spec(company).when({ type: 'RequestOrganizationDeletion', data: { actorId: 'olga', confirmName, now: requestedAt } }).thenFails('invalid-deletion-request', { kind: 'invalid', fields: ['confirmName'] });
  });

  test('the purge waits for midnight in the organization time zone: Chicago, asked for at 10:00 on 1 March, is purged at 00:00 CDT on 1 April', () => {
    expect(purgeTime('2026-03-01T16:00:00.000Z', 'America/Chicago')).toBe('2026-04-01T05:00:00.000Z');
    chicagoSpec([chicagoCreated]).when({ type: 'RequestOrganizationDeletion', data: { confirmName: 'Waadookodaading', now: '2026-03-01T16:00:00.000Z' } }).then([
      { type: 'OrganizationDeletionRequested', data: { organizationId: chicagoId, name: 'Waadookodaading', requestedAt: '2026-03-01T16:00:00.000Z', purgeAt: '2026-04-01T05:00:00.000Z' } },
    ]);
  });

  test('asking again changes nothing: the first dates stand', () => {
    spec([...company, requested]).when({ type: 'RequestOrganizationDeletion', data: { actorId: 'olga', confirmName: 'School', now: '2026-11-30T00:00:00.000Z' } }).thenNothingHappens();
  });

  test('while the deletion waits, nothing else can be done with the organization: 409 organization-deletion-pending', () => {
    const pending = [...company, requested];
    spec(pending).when({ type: 'UpdateOrganizationSettings', data: { name: 'Renamed' } }).thenFails('organization-deletion-pending', { kind: 'rule', details: { purgeAt: '2026-12-24T00:00:00.000Z' } });
    spec(pending).when({ type: 'DeactivateUser', data: { userId: 'ann', actorId: 'olga' } }).thenFails('organization-deletion-pending');
    spec(pending).when({ type: 'ChangeOrganizationSlug', data: { slug: 'renamed', now: requestedAt } }).thenFails('organization-deletion-pending');
  });

  test('a super admin restores it before the purge is due', () => {
    spec([...company, requested]).when({ type: 'RestoreOrganization', data: { actorId: superAdmin.id, now: '2026-12-23T23:59:59.999Z' } }).then([
      { type: 'OrganizationRestored', data: { organizationId: org, deletionRequestedAt: requestedAt } },
    ]);
  });

  test('after a restore the organization works again', () => {
    const restored: OrganizationEvent = { type: 'OrganizationRestored', data: { organizationId: org, deletionRequestedAt: requestedAt } };
    spec([...company, requested, restored]).when({ type: 'UpdateOrganizationSettings', data: { name: 'Renamed' } }).then([
      { type: 'OrganizationSettingsUpdated', data: { organizationId: org, changes: { name: { before: 'School', after: 'Renamed' } } } },
    ]);
  });

  test('an owner cannot restore: only a super admin can', () => {
    spec([...company, requested]).when({ type: 'RestoreOrganization', data: { actorId: 'olga', now: requestedAt } }).thenFails('forbidden');
  });

  test('restoring is refused once the 30 days are over, and when no deletion waits', () => {
    spec([...company, requested]).when({ type: 'RestoreOrganization', data: { now: '2026-12-24T00:00:00.000Z' } }).thenFails('restore-window-closed', { kind: 'rule' });
    spec(company).when({ type: 'RestoreOrganization', data: { now: requestedAt } }).thenFails('organization-not-being-deleted', { kind: 'rule' });
  });

  test('the purge is refused before it is due, and when no deletion waits', () => {
    spec([...company, requested]).when({ type: 'PurgeOrganization', data: { now: '2026-12-23T23:59:59.999Z' } }).thenFails('purge-not-due', { kind: 'rule' });
    spec(company).when({ type: 'PurgeOrganization', data: { now: requestedAt } }).thenFails('organization-not-being-deleted');
  });

  test('the purge, once due, names the slugs it frees: the current one and those still redirecting', () => {
    const withSlugs: OrganizationEvent[] = [
      ...company,
      { type: 'OrganizationSlugChanged', data: { organizationId: org, before: null, after: 'school', redirectUntil: null } },
      { type: 'OrganizationSlugChanged', data: { organizationId: org, before: 'school', after: 'the-school', redirectUntil: '2027-02-01T00:00:00.000Z' } },
      requested,
    ];
    spec(withSlugs).when({ type: 'PurgeOrganization', data: { now: '2026-12-24T00:00:00.000Z' } }).then([
      { type: 'OrganizationPurged', data: { organizationId: org, purgedAt: '2026-12-24T00:00:00.000Z', deletionRequestedAt: requestedAt, slugs: ['the-school', 'school'], languageIds: [], classLanguages: {} } },
    ]);
  });

  test('a purged organization is gone: every command is 404, and its id cannot be created again', () => {
    const purged: OrganizationEvent = { type: 'OrganizationPurged', data: { organizationId: org, purgedAt: '2026-12-24T00:00:00.000Z', deletionRequestedAt: requestedAt, slugs: [], languageIds: [] } };
    spec([...company, requested, purged]).when({ type: 'RestoreOrganization', data: { now: '2026-12-24T00:00:00.000Z' } }).thenFails('organization-not-found', { kind: 'not-found' });
    spec([...company, requested, purged]).when({ type: 'UpdateOrganizationSettings', data: { name: 'Again' } }).thenFails('organization-not-found');
    spec([...company, requested, purged])
      .when({ type: 'CreateOrganization', data: { organizationId: org, name: 'School', timeZone: 'UTC', slug: 'school', now: requestedAt } })
      .thenFails('organization-already-exists');
  });
});
