import { describe, test } from '@jest/globals';
import { created, org, spec } from '../testing/school.js';
import type { OrganizationEvent } from './organization.js';

/** IP restrictions (multi-tenant guide, Access Control; issue 20), each rule as given/when/then. */
const set = (ranges: string[], excludesActor = false, confirmed = false) => ({ type: 'SetIpRestrictions' as const, data: { ranges, excludesActor, confirmed } });
const restricted = (after: string[], before: string[] = []): OrganizationEvent => ({ type: 'OrganizationIpRestrictionsChanged', data: { organizationId: org, before, after } });

describe('IP restrictions', () => {
  test('an admin restricts members to ranges, recorded before and after; a range given twice counts once', () => {
    spec([created]).when(set(['203.0.113.0/24', '2001:db8::/32', '203.0.113.0/24'])).then([restricted(['203.0.113.0/24', '2001:db8::/32'])]);
  });

  test('the same list again changes nothing; an empty list lifts the restriction', () => {
    spec([created, restricted(['203.0.113.0/24'])]).when(set(['203.0.113.0/24'])).then([]);
    spec([created, restricted(['203.0.113.0/24'])]).when(set([])).then([restricted([], ['203.0.113.0/24'])]);
  });

  test('at most 100 ranges', () => {
    const ranges = Array.from({ length: 101 }, (_, i) => `10.${i}.0.0/16`);
    spec([created]).when(set(ranges)).thenFails('validation-failed', { kind: 'invalid', fields: ['ranges'] });
    spec([created]).when(set(ranges.slice(0, 100))).then([restricted(ranges.slice(0, 100))]);
  });

  test('a list that shuts out the admin\'s own address is refused (409) until they confirm it', () => {
    spec([created]).when(set(['198.51.100.0/24'], true)).thenFails('ip-restriction-excludes-you', { kind: 'rule' });
    spec([created]).when(set(['198.51.100.0/24'], true, true)).then([restricted(['198.51.100.0/24'])]);
    // Lifting the restriction never shuts anyone out.
    spec([created, restricted(['198.51.100.0/24'])]).when(set([], true)).then([restricted([], ['198.51.100.0/24'])]);
  });
});
