import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import type { ExistingOrganization, OrganizationCommand, OrganizationEvent } from './organization.js';

export const IP_RESTRICTION_RULES = { maxRanges: 100 } as const;

/**
 * Where an organization's members may sign in and call the API from (multi-tenant guide,
 * Access Control: "IP restrictions"): at most 100 CIDR ranges, IPv4 or IPv6; none means
 * anywhere. The ranges arrive read and normalized (a CIDR parser is the app's), so this
 * decides only the rules: the limit, no repeats, and that an admin does not lock
 * themselves out by accident (409 ip-restriction-excludes-you until they confirm).
 */
export function setIpRestrictions(command: Extract<OrganizationCommand, { type: 'SetIpRestrictions' }>, org: ExistingOrganization): OrganizationEvent[] {
  const ranges = [...new Set(command.data.ranges)];
  if (ranges.length > IP_RESTRICTION_RULES.maxRanges)
    throw new ValidationFailed('validation-failed', [{ field: 'ranges', message: `ranges must hold at most ${IP_RESTRICTION_RULES.maxRanges} CIDR ranges, not ${ranges.length}` }]);
  if (ranges.length === org.ipRanges.length && ranges.every((r, i) => r === org.ipRanges[i])) return [];
  if (ranges.length > 0 && command.data.excludesActor && !command.data.confirmed)
    throw new DomainError('ip-restriction-excludes-you', 'Your own address is outside these ranges: once saved, you could not use the organization from here. Send confirmExcludingMyAddress: true if you mean it.');
  return [{ type: 'OrganizationIpRestrictionsChanged', data: { organizationId: org.id, before: org.ipRanges, after: ranges } }];
}
