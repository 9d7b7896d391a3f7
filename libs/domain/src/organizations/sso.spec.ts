import { describe, expect, test } from '@jest/globals';
import { deciderSpec } from '../testing/given-when-then.js';
import { organizationDecider, type OrganizationEvent } from './organization.js';
import { emailDomainAllowed, splitList, validateSsoProvider, type SsoProviderSettings } from './sso.js';

const spec = deciderSpec(organizationDecider);
const org = 'org-1';
const now = '2026-11-23T00:00:00.000Z';
const created: OrganizationEvent = { type: 'OrganizationCreated', data: { organizationId: org, name: 'School', description: null, timeZone: 'UTC', createdAt: now } };
const invited = (userId: string): OrganizationEvent => ({
  type: 'UserInvited',
  data: { organizationId: org, userId, email: `${userId}@school.test`, firstName: 'A', lastName: 'B', roles: ['instructor'], setupTokenHash: 'h', setupTokenCiphertext: 'c', setupExpiresAt: now },
});
const settings: SsoProviderSettings = {
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
const input = { protocol: 'oidc', displayName: 'School Accounts', issuer: 'https://accounts.school.test', clientId: 'lms', scopes: 'openid\nemail', autoLinkVerifiedEmail: true };
const added: OrganizationEvent = { type: 'SsoProviderAdded', data: { organizationId: org, providerId: 'p1', settings, clientSecretCiphertext: 'sealed-1' } };
const linked = (userId: string, subject: string, providerId = 'p1'): OrganizationEvent => ({
  type: 'SsoIdentityLinked',
  data: { organizationId: org, providerId, subject, userId, email: `${userId}@school.test`, method: 'verified-email' },
});

describe('SSO provider settings', () => {
  test('scopes and domains come separated by lines, commas or spaces; openid is required; the issuer is https', () => {
    expect(splitList('openid\r\nemail, profile,,email')).toEqual(['openid', 'email', 'profile']);
    // As OAuth writes them: space-separated.
    expect(splitList('openid email  profile')).toEqual(['openid', 'email', 'profile']);
    const parsed = validateSsoProvider({ protocol: 'oidc', displayName: ' X ', issuer: 'https://id.test/', clientId: 'c', scopes: 'openid,email', allowedDomains: '@School.TEST\nstaff.school.test' }, null, true);
    expect(parsed).toEqual(expect.objectContaining({ displayName: 'X', issuer: 'https://id.test', scopes: ['openid', 'email'], allowedDomains: ['school.test', 'staff.school.test'], enabled: true, requireSso: false }));
    expect(() => validateSsoProvider({ protocol: 'oidc', displayName: 'X', issuer: 'http://id.test', clientId: 'c', scopes: 'openid' }, null, true)).toThrow('issuer must be an https URL');
    expect(validateSsoProvider({ protocol: 'oidc', displayName: 'X', issuer: 'http://127.0.0.1:4000', clientId: 'c', scopes: 'openid' }, null, true).issuer).toBe('http://127.0.0.1:4000');
    expect(() => validateSsoProvider({ protocol: 'oidc', displayName: 'X', issuer: 'https://id.test', clientId: 'c', scopes: 'email' }, null, true)).toThrow('scopes must include openid');
    expect(() => validateSsoProvider({ protocol: 'oidc', displayName: 'X', issuer: 'https://id.test', clientId: 'c', scopes: 'openid' }, null, false)).toThrow('clientSecret is required');
  });

  test('IdP-initiated sign-in is off by default, SAML only, and limited to listed domains', () => {
    const saml = { protocol: 'saml', displayName: 'X', issuer: 'https://idp.test/saml', ssoUrl: 'https://idp.test/sso', idpCertificate: 'PEM' };
    expect(validateSsoProvider(saml, null, false).allowIdpInitiated).toBe(false);
    expect(() => validateSsoProvider({ ...saml, allowIdpInitiated: true }, null, false)).toThrow("IdP-initiated sign-in is limited to the provider's own domains");
    expect(validateSsoProvider({ ...saml, allowIdpInitiated: true, allowedDomains: 'school.test' }, null, false).allowIdpInitiated).toBe(true);
    expect(() => validateSsoProvider({ protocol: 'oidc', displayName: 'X', issuer: 'https://id.test', clientId: 'c', scopes: 'openid', allowedDomains: 'school.test', allowIdpInitiated: true }, null, true)).toThrow(
      'IdP-initiated sign-in exists for SAML providers only',
    );
  });

  test('no allowed domains means any (verified) email; otherwise the domain must be listed exactly', () => {
    expect(emailDomainAllowed({ allowedDomains: [] }, 'a@anything.test')).toBe(true);
    expect(emailDomainAllowed({ allowedDomains: ['school.test'] }, 'a@School.Test')).toBe(true);
    expect(emailDomainAllowed({ allowedDomains: ['school.test'] }, 'a@evil-school.test')).toBe(false);
    expect(emailDomainAllowed({ allowedDomains: ['school.test'] }, 'a@sub.school.test')).toBe(false);
  });

});

describe('SSO providers in the organization stream', () => {
  test('adding keeps the sealed secret in the event; a second provider with the same id is refused', () => {
    spec([created]).when({ type: 'AddSsoProvider', data: { providerId: 'p1', input, clientSecretCiphertext: 'sealed-1' } }).then([added]);
    spec([created, added]).when({ type: 'AddSsoProvider', data: { providerId: 'p1', input, clientSecretCiphertext: 's' } }).thenFails('sso-provider-already-exists', { kind: 'conflict' });
  });

  test('an edit records each changed field; a blank secret keeps the sealed one; an edit that changes nothing writes nothing', () => {
    spec([created, added])
      .when({ type: 'UpdateSsoProvider', data: { providerId: 'p1', input: { displayName: 'Renamed', requireSso: true }, clientSecretCiphertext: null } })
      .then([
        {
          type: 'SsoProviderUpdated',
          data: {
            organizationId: org,
            providerId: 'p1',
            changes: { displayName: { before: 'School Accounts', after: 'Renamed' }, requireSso: { before: false, after: true } },
            secretReplaced: false,
            clientSecretCiphertext: null,
            settings: { ...settings, displayName: 'Renamed', requireSso: true },
          },
        },
      ]);
    spec([created, added]).when({ type: 'UpdateSsoProvider', data: { providerId: 'p1', input: { displayName: 'School Accounts' }, clientSecretCiphertext: null } }).thenNothingHappens();
    spec([created, added]).when({ type: 'UpdateSsoProvider', data: { providerId: 'p1', input: { protocol: 'saml' }, clientSecretCiphertext: null } }).thenFails('invalid-sso-provider', { fields: ['protocol'] });
    const state = [created, added, { type: 'SsoProviderUpdated', data: { organizationId: org, providerId: 'p1', changes: {}, secretReplaced: false, clientSecretCiphertext: null, settings } } as OrganizationEvent].reduce(
      organizationDecider.evolve,
      organizationDecider.initialState(),
    );
    expect(state.status === 'existing' && state.ssoProviders.get('p1')?.clientSecretCiphertext).toBe('sealed-1');
  });

  test('an identity is (provider, subject): linked once, never to a second user', () => {
    spec([created, invited('ann'), invited('bob'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-1', userId: 'ann', email: 'ANN@school.test' } })
      .then([linked('ann', 'sub-1')]);
    spec([created, invited('ann'), invited('bob'), added, linked('ann', 'sub-1')])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-1', userId: 'ann', email: 'ann@school.test' } })
      .thenNothingHappens();
    spec([created, invited('ann'), invited('bob'), added, linked('ann', 'sub-1')])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-1', userId: 'bob', email: 'bob@school.test' } })
      .thenFails('sso-identity-already-linked', { kind: 'conflict' });
    // The email must be the member's: a verified email for someone else links no one.
    spec([created, invited('ann'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-9', userId: 'ann', email: 'bob@school.test' } })
      .thenFails('sso-account-not-linked', { kind: 'conflict' });
    // Exactly the member's: a look-alike that case mapping or NFC would fold (U+212A KELVIN SIGN) links no one.
    spec([created, invited('kim'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-9', userId: 'kim', email: '\u212Aim@school.test' } })
      .thenFails('sso-account-not-linked', { kind: 'conflict' });
    spec([created, invited('ann'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-9', userId: 'ann', email: 'ANN@School.test' } })
      .then([{ type: 'SsoIdentityLinked', data: { organizationId: 'org-1', providerId: 'p1', subject: 'sub-9', userId: 'ann', email: 'ann@school.test', method: 'verified-email' } }]);
    // An admin's link carries no email: they checked who it is.
    spec([created, invited('ann'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-9', userId: 'ann', email: null } })
      .then([{ type: 'SsoIdentityLinked', data: { organizationId: 'org-1', providerId: 'p1', subject: 'sub-9', userId: 'ann', email: 'ann@school.test', method: 'admin' } }]);
  });

  test("removing a provider removes its identity links and only its own", () => {
    const other: OrganizationEvent = { type: 'SsoProviderAdded', data: { organizationId: org, providerId: 'p2', settings, clientSecretCiphertext: 'sealed-2' } };
    const history = [created, invited('ann'), invited('bob'), added, other, linked('ann', 'sub-1'), linked('bob', 'sub-2', 'p2')];
    spec(history)
      .when({ type: 'RemoveSsoProvider', data: { providerId: 'p1' } })
      .then([{ type: 'SsoProviderRemoved', data: { organizationId: org, providerId: 'p1', displayName: 'School Accounts', unlinkedUserIds: ['ann'] } }]);
    const after = [...history, { type: 'SsoProviderRemoved', data: { organizationId: org, providerId: 'p1', displayName: 'School Accounts', unlinkedUserIds: ['ann'] } } as OrganizationEvent].reduce(
      organizationDecider.evolve,
      organizationDecider.initialState(),
    );
    expect(after.status === 'existing' && [...after.ssoIdentities.values()]).toEqual(['bob']);
    expect(after.status === 'existing' && [...after.ssoProviders.keys()]).toEqual(['p2']);
    spec([...history]).when({ type: 'RemoveSsoProvider', data: { providerId: 'nope' } }).thenFails('sso-provider-not-found', { kind: 'not-found' });
  });
});
