import { describe, test } from '@jest/globals';
import type { OrganizationEvent } from '../organizations/organization.js';
import { created, org, settings, spec } from '../testing/sso.js';

const samlProvider = (overrides: Partial<typeof settings> = {}): OrganizationEvent => ({
  type: 'SsoProviderAdded',
  data: {
    organizationId: org,
    providerId: 'p1',
    settings: { ...settings, protocol: 'saml', clientId: null, scopes: [], ssoUrl: 'https://idp.school.test/sso', idpCertificate: 'PEM', allowedDomains: ['school.test'], allowIdpInitiated: true, ...overrides },
    clientSecretCiphertext: null,
  },
});
const record = (email: string) => ({ type: 'RecordIdpInitiatedSignIn' as const, data: { providerId: 'p1', subject: 'sub-1', email } });

describe('Recording an IdP-initiated sign-in', () => {
  test('a SAML provider that allows it records an address of its own domains', () => {
    spec([created, samlProvider()]).when(record('ann@school.test')).then([
      { type: 'SsoIdpInitiatedSignInReceived', data: { organizationId: org, providerId: 'p1', subject: 'sub-1', email: 'ann@school.test' } },
    ]);
  });

  test('refused when the provider does not allow it, is disabled, or the domain is not its own', () => {
    spec([created, samlProvider({ allowIdpInitiated: false })]).when(record('ann@school.test')).thenFails('sso-idp-initiated-not-allowed', { kind: 'rule' });
    spec([created, samlProvider({ enabled: false })]).when(record('ann@school.test')).thenFails('sso-provider-disabled', { kind: 'rule' });
    spec([created, samlProvider()]).when(record('ann@elsewhere.test')).thenFails('sso-email-domain-not-allowed', { kind: 'rule' });
    spec([created]).when(record('ann@school.test')).thenFails('sso-provider-not-found', { kind: 'not-found' });
  });
});
