import { DomainError } from '../shared/domain-error.js';
import { sameEmailForLinking } from '../shared/email.js';
import { provider, ssoIdentityKey, type SsoCommand, type SsoEvent, type SsoState } from './sso.js';

/** Linking an identity of a provider to a member: by a verified email at sign-in, or by an admin. */
export function linkSsoIdentity(command: Extract<SsoCommand, { type: 'LinkSsoIdentity' }>, state: SsoState): SsoEvent[] {
  const organizationId = state.id;
  const { providerId, subject, userId, email } = command.data;
  const p = provider(state, providerId);
  if (!p.enabled) throw new DomainError('sso-provider-disabled', 'This SSO provider is disabled');
  const user = state.members.get(userId);
  if (!user) throw new DomainError('user-not-found', 'No such user in this organization');
  // An email links only when it is the member's address exactly (shared/email.ts):
  // a case mapping must not make another person's address look like theirs.
  if (email !== null && !sameEmailForLinking(email, user.email))
    throw new DomainError('sso-account-not-linked', "The asserted email is not exactly this member's address; an admin can link the identity");
  const holder = state.ssoIdentities.get(ssoIdentityKey(providerId, subject));
  if (holder === userId) return [];
  if (holder !== undefined) throw new DomainError('sso-identity-already-linked', 'This identity is already linked to another user');
  return [{ type: 'SsoIdentityLinked', data: { organizationId, providerId, subject, userId, email: user.email, method: email === null ? 'admin' : 'verified-email' } }];
}
