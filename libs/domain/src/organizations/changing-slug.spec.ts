import { describe, test } from '@jest/globals';
import { created, id, now, spec } from '../testing/organization.js';
import { created as legacy, org as legacyId, spec as legacySpec } from '../testing/school.js';
import type { OrganizationEvent } from './organization.js';

/** The organization of testing/organization.ts was created with the slug "waadookodaading". */
const changed: OrganizationEvent = {
  type: 'OrganizationSlugChanged',
  data: { organizationId: id, before: 'waadookodaading', after: 'ojibwe-immersion', redirectUntil: '2027-02-21T10:00:00.000Z' },
};

describe('Changing the slug', () => {
  test('the old slug redirects for 90 days from the change', () => {
    spec([created]).when({ type: 'ChangeOrganizationSlug', data: { slug: 'ojibwe-immersion', now } }).then([changed]);
  });

  test('an organization from before slugs gets its first one, with nothing to redirect', () => {
    legacySpec([legacy]).when({ type: 'ChangeOrganizationSlug', data: { slug: 'school', now } }).then([
      { type: 'OrganizationSlugChanged', data: { organizationId: legacyId, before: null, after: 'school', redirectUntil: null } },
    ]);
  });

  test('the same slug again changes nothing', () => {
    spec([created]).when({ type: 'ChangeOrganizationSlug', data: { slug: 'waadookodaading', now } }).thenNothingHappens();
  });

  test('a malformed or reserved slug is refused naming the field', () => {
    spec([created]).when({ type: 'ChangeOrganizationSlug', data: { slug: 'Not A Slug', now } }).thenFails('invalid-organization-settings', { kind: 'invalid', fields: ['slug'] });
    spec([created]).when({ type: 'ChangeOrganizationSlug', data: { slug: 'admin', now } }).thenFails('invalid-organization-settings', { fields: ['slug'] });
  });

  test('taking the old slug back makes the one in between redirect', () => {
    spec([created, changed]).when({ type: 'ChangeOrganizationSlug', data: { slug: 'waadookodaading', now: '2026-12-01T00:00:00.000Z' } }).then([
      { type: 'OrganizationSlugChanged', data: { organizationId: id, before: 'ojibwe-immersion', after: 'waadookodaading', redirectUntil: '2027-03-01T00:00:00.000Z' } },
    ]);
  });
});
