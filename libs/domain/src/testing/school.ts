/**
 * The school the membership specs are given: its events and a spec runner on the
 * organization's decider (members/*.spec.ts, classes/*.spec.ts).
 */
import { DEFAULT_PROFILE } from '../organizations/profile.js';
import { deciderSpec } from './given-when-then.js';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import type { OrganizationRole } from '../access/permissions.js';

export const spec = deciderSpec(organizationDecider);
export const org = 'org-1';
export const token = (n: number) => ({ hash: `hash-${n}`, ciphertext: `cipher-${n}`, expiresAt: '2026-11-30T00:00:00.000Z' });
export const now = '2026-11-23T00:00:00.000Z';

export const created: OrganizationEvent = { type: 'OrganizationCreated', data: { organizationId: org, name: 'School', description: null, timeZone: 'UTC', profile: DEFAULT_PROFILE, slug: null, createdAt: now } };
export const invited = (userId: string, roles: OrganizationRole[], email = `${userId}@school.test`, n = 1): OrganizationEvent => ({
  type: 'UserInvited',
  data: { organizationId: org, userId, email, firstName: userId.toUpperCase(), lastName: 'Doe', roles, setupTokenHash: `hash-${n}`, setupTokenCiphertext: `cipher-${n}`, setupExpiresAt: '2026-11-30T00:00:00.000Z' },
});
export const setUp = (userId: string): OrganizationEvent => ({ type: 'UserSetupCompleted', data: { organizationId: org, userId, passwordHash: '$argon2id$h' } });
export const classCreated = (classId: string, instructorId: string, name = classId): OrganizationEvent => ({ type: 'ClassCreated', data: { organizationId: org, classId, name, instructorId } });
export const deactivated = (userId: string): OrganizationEvent => ({ type: 'UserDeactivated', data: { organizationId: org, userId, classesReassignedTo: null } });

// A school with an active admin (ann), an active instructor admin (bea), an active
// instructor (cal) teaching two classes, a pending instructor (dan) and a deactivated instructor (eve).
export const school: OrganizationEvent[] = [
  created,
  invited('ann', ['admin']),
  setUp('ann'),
  invited('bea', ['admin', 'instructor']),
  setUp('bea'),
  invited('cal', ['instructor']),
  setUp('cal'),
  invited('dan', ['instructor']),
  invited('eve', ['instructor']),
  setUp('eve'),
  deactivated('eve'),
  classCreated('algebra', 'cal', 'Algebra'),
  classCreated('biology', 'cal', 'Biology'),
];

