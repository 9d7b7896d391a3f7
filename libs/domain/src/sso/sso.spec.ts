import { describe, expect, test } from '@jest/globals';
import { emailDomainAllowed, splitList, validateSsoProvider } from './sso.js';

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
