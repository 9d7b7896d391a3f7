/** The organization and provider the SSO specs are given (sso/*.spec.ts). */
import { DEFAULT_PROFILE } from '../organizations/profile.js';
import { deciderSpec } from './given-when-then.js';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import type { SsoProviderSettings } from '../sso/sso.js';

export const spec = deciderSpec(organizationDecider);
export const org = 'org-1';
export const now = '2026-11-23T00:00:00.000Z';
export const created: OrganizationEvent = { type: 'OrganizationCreated', data: { organizationId: org, name: 'School', description: null, timeZone: 'UTC', profile: DEFAULT_PROFILE, slug: null, createdAt: now } };
export const invited = (userId: string): OrganizationEvent => ({
  type: 'UserInvited',
  data: { organizationId: org, userId, email: `${userId}@school.test`, firstName: 'A', lastName: 'B', roles: ['instructor'], setupTokenHash: 'h', setupTokenCiphertext: 'c', setupExpiresAt: now },
});
export const settings: SsoProviderSettings = {
  displayName: 'School Accounts',
  protocol: 'oidc',
  issuer: 'https://accounts.school.test',
  allowedDomains: [],
  clientId: 'lms',
  scopes: ['openid', 'email'],
  ssoUrl: null,
  idpCertificate: null,
  enabled: true,
  requireSso: false,
  autoLinkVerifiedEmail: true,
  allowIdpInitiated: false,
};
export const input = { protocol: 'oidc', displayName: 'School Accounts', issuer: 'https://accounts.school.test', clientId: 'lms', scopes: 'openid\nemail', autoLinkVerifiedEmail: true };
export const added: OrganizationEvent = { type: 'SsoProviderAdded', data: { organizationId: org, providerId: 'p1', settings, clientSecretCiphertext: 'sealed-1' } };
export const linked = (userId: string, subject: string, providerId = 'p1'): OrganizationEvent => ({
  type: 'SsoIdentityLinked',
  data: { organizationId: org, providerId, subject, userId, email: `${userId}@school.test`, method: 'verified-email' },
});

