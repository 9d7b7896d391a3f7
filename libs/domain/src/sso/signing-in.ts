import { DomainError } from '../shared/domain-error.js';
import { emailDomainAllowed, provider, type SsoCommand, type SsoEvent, type SsoState } from './sso.js';

/** Recording an IdP-initiated sign-in that a SAML provider allows (it signs no one in by itself). */
export function recordIdpInitiatedSignIn(command: Extract<SsoCommand, { type: 'RecordIdpInitiatedSignIn' }>, state: SsoState): SsoEvent[] {
  const organizationId = state.id;
  const { providerId, subject, email } = command.data;
  const p = provider(state, providerId);
  if (!p.enabled) throw new DomainError('sso-provider-disabled', 'This SSO provider is disabled');
  if (p.protocol !== 'saml' || p.allowIdpInitiated !== true)
    throw new DomainError('sso-idp-initiated-not-allowed', 'This provider does not accept IdP-initiated sign-in');
  if (!emailDomainAllowed(p, email) || p.allowedDomains.length === 0)
    throw new DomainError('sso-email-domain-not-allowed', "This email's domain is not allowed for this sign-in provider");
  return [{ type: 'SsoIdpInitiatedSignInReceived', data: { organizationId, providerId, subject, email } }];
}
