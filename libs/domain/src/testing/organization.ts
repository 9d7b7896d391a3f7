/** The organization the organization specs are given (organizations/*.spec.ts). */
import { DEFAULT_PROFILE, type ProfilePatch } from '../organizations/profile.js';
import { deciderSpec } from './given-when-then.js';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import type { LogoRef } from '../organizations/logo.js';

export const spec = deciderSpec(organizationDecider);
export const id = '6c1f4a2e-7d1b-4b7e-9a57-0d7f5c1e2a10';
export const now = '2026-11-23T10:00:00.000Z';
export const created: OrganizationEvent = {
  type: 'OrganizationCreated',
  data: { organizationId: id, name: 'Waadookodaading', description: null, timeZone: 'America/Chicago', profile: DEFAULT_PROFILE, slug: 'waadookodaading', createdAt: now },
};
export const create = (data: Partial<{ name: string; description: string | null; timeZone: string; profile: ProfilePatch; slug: string }>) => ({
  type: 'CreateOrganization' as const,
  data: { organizationId: id, name: 'Waadookodaading', timeZone: 'America/Chicago', slug: 'waadookodaading', now, ...data },
});
export const edit = (data: Partial<{ name: string; description: string | null; timeZone: string; profile: ProfilePatch }>) => ({
  type: 'UpdateOrganizationSettings' as const,
  data: { name: 'Waadookodaading', description: null, timeZone: 'America/Chicago', ...data },
});
export const logo: LogoRef = { sha256: 'a'.repeat(64), contentType: 'image/png', size: 10 };

