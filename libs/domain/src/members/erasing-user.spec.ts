import { describe, expect, test } from '@jest/globals';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import { ssoIdentityKey } from '../sso/sso.js';
import { erasureSubjectsOf } from './erasing-user.js';
import { now, org, school, spec } from '../testing/school.js';

const erased = (userId: string): OrganizationEvent => ({ type: 'UserErased', data: { organizationId: org, userId, erasedAt: now } });
const stateOf = (events: OrganizationEvent[]) => {
  const state = events.reduce(organizationDecider.evolve, organizationDecider.initialState());
  if (state.status !== 'existing') throw new Error('no organization');
  return state;
};

describe('Erasing a member (issue 20)', () => {
  test('a deactivated member is erased; an active or pending one must be deactivated first; a second erasure changes nothing', () => {
    spec(school).when({ type: 'EraseUser', data: { userId: 'eve', now } }).then([erased('eve')]);
    for (const userId of ['cal', 'dan']) spec(school).when({ type: 'EraseUser', data: { userId, now } }).thenFails('user-not-deactivated', { kind: 'conflict' });
    spec([...school, erased('eve')]).when({ type: 'EraseUser', data: { userId: 'eve', now } }).then([]);
    spec(school).when({ type: 'EraseUser', data: { userId: 'nobody', now } }).thenFails('user-not-found');
  });

  test('an erased member keeps their id, roles and status, reads as "erased", frees their address, and can be neither edited nor reactivated', () => {
    const state = stateOf([...school, erased('eve')]);
    expect(state.members.get('eve')).toMatchObject({ id: 'eve', email: 'erased-eve@erased.invalid', firstName: 'erased', lastName: 'erased', roles: ['instructor'], status: 'deactivated', erased: true });
    expect(state.emails.has('eve@school.test')).toBe(false);
    spec([...school, erased('eve')]).when({ type: 'ReactivateUser', data: { userId: 'eve' } }).thenFails('user-erased', { kind: 'conflict' });
    spec([...school, erased('eve')]).when({ type: 'EditUser', data: { userId: 'eve', actorId: 'ann', firstName: 'Eva' } }).thenFails('user-erased', { kind: 'conflict' });
    // The address is free: the same person may be invited again, as someone new.
    spec([...school, erased('eve')])
      .when({ type: 'InviteUser', data: { userId: 'eve2', email: 'eve@school.test', firstName: 'Eve', lastName: 'Again', roles: ['member'], setupToken: { hash: 'h', ciphertext: 'c', expiresAt: now } } })
      .then([expect.objectContaining({ type: 'UserInvited' }) as never]);
  });

  test('the keys to destroy: the member\'s own, their join requests\' (by address) and their identity-provider accounts\'', () => {
    const events: OrganizationEvent[] = [
      ...school,
      { type: 'JoinRequested', data: { organizationId: org, requestId: 'r1', email: 'Eve@School.test', firstName: 'Eve', lastName: 'E', requestedAt: now } },
      { type: 'JoinRequested', data: { organizationId: org, requestId: 'r2', email: 'someone@else.test', firstName: 'Some', lastName: 'One', requestedAt: now } },
      { type: 'SsoProviderAdded', data: { organizationId: org, providerId: 'p1', settings: { displayName: 'IdP', protocol: 'saml', issuer: 'https://idp.test', allowedDomains: ['school.test'], clientId: null, scopes: [], ssoUrl: 'https://idp.test/sso', idpCertificate: 'PEM', enabled: true, requireSso: false, autoLinkVerifiedEmail: false, allowIdpInitiated: false }, clientSecretCiphertext: null } },
      { type: 'SsoIdentityLinked', data: { organizationId: org, providerId: 'p1', subject: 'idp-subject-9', userId: 'eve', email: 'eve@school.test' } },
    ];
    const before = stateOf(events);
    expect(erasureSubjectsOf(before, 'eve')).toEqual(['eve', 'join-request:r1', 'sso:p1 idp-subject-9']);
    const after = stateOf([...events, erased('eve')]);
    expect(after.joinRequests.r1).toMatchObject({ email: 'erased-r1@erased.invalid', firstName: 'erased', lastName: 'erased' });
    expect(after.joinRequests.r2).toMatchObject({ email: 'someone@else.test', firstName: 'Some' });
    expect(after.ssoIdentities.has(ssoIdentityKey('p1', 'idp-subject-9'))).toBe(false);
  });
});
