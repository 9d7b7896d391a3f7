import { describe, test } from '@jest/globals';
import type { OrganizationEvent } from '../organizations/organization.js';
import { company, org, spec } from '../testing/company.js';
import { token } from '../testing/school.js';

/**
 * Self-registration and join requests (issue 17), as given/when/then on the company
 * (Ann is an admin). The company has verified school.test.
 */
const now = '2026-12-01T10:00:00.000Z';
const domainVerified: OrganizationEvent[] = [
  { type: 'EmailDomainAdded', data: { organizationId: org, domain: 'school.test', token: 't', addedAt: now } },
  { type: 'EmailDomainVerified', data: { organizationId: org, domain: 'school.test', verifiedAt: now } },
];
const settings = (selfRegistration: string, membershipPolicy: string): OrganizationEvent => ({
  type: 'OrganizationSettingsChanged',
  data: { organizationId: org, changes: { selfRegistration: { before: 'disabled', after: selfRegistration }, membershipPolicy: { before: 'invite-only', after: membershipPolicy } } },
});
const register = (email: string, at = now) => ({ type: 'RegisterBySelf' as const, data: { requestId: 'r1', userId: 'nia', email, firstName: 'Nia', lastName: 'Ng', setupToken: token(5), now: at } });
const requested: OrganizationEvent = { type: 'JoinRequested', data: { organizationId: org, requestId: 'r1', email: 'nia@school.test', firstName: 'Nia', lastName: 'Ng', requestedAt: now } };
const rejected: OrganizationEvent = { type: 'JoinRequestRejected', data: { organizationId: org, requestId: 'r1', email: 'nia@school.test', firstName: 'Nia', reason: 'Staff only', rejectedAt: now } };

describe('Self-registration', () => {
  test('domain and open: the person joins at once, as a member', () => {
    spec([...company, ...domainVerified, settings('domain', 'open')]).when(register('nia@school.test')).then([
      {
        type: 'UserInvited',
        data: { organizationId: org, userId: 'nia', email: 'nia@school.test', firstName: 'Nia', lastName: 'Ng', roles: ['member'], setupTokenHash: 'hash-5', setupTokenCiphertext: 'cipher-5', setupExpiresAt: '2026-11-30T00:00:00.000Z' },
      },
    ]);
  });

  test('otherwise the request waits for an admin; asking twice while it waits changes nothing', () => {
    spec([...company, ...domainVerified, settings('domain', 'approval')]).when(register('nia@school.test')).then([requested]);
    spec([...company, ...domainVerified, settings('approval', 'open')]).when(register('nia@school.test')).then([requested]);
    spec([...company, ...domainVerified, settings('approval', 'open'), requested]).when(register('nia@school.test')).thenNothingHappens();
  });

  test('refused when registration is disabled or the address is not at a verified domain', () => {
    spec([...company, ...domainVerified]).when(register('nia@school.test')).thenFails('self-registration-closed', { kind: 'rule' });
    spec([...company, ...domainVerified, settings('domain', 'open')]).when(register('nia@elsewhere.test')).thenFails('self-registration-closed');
    spec([...company, domainVerified[0], settings('domain', 'open')]).when(register('nia@school.test')).thenFails('self-registration-closed');
  });

  test('someone declined may ask again after 7 days, not before', () => {
    const given = [...company, ...domainVerified, settings('domain', 'approval'), requested, rejected];
    spec(given).when(register('nia@school.test', '2026-12-08T09:59:59.999Z')).thenFails('join-request-rejected-recently', { details: { retryAfter: '2026-12-08T10:00:00.000Z' } });
    spec(given).when({ ...register('nia@school.test', '2026-12-08T10:00:00.000Z'), data: { ...register('nia@school.test').data, requestId: 'r2', now: '2026-12-08T10:00:00.000Z' } }).then([
      { type: 'JoinRequested', data: { organizationId: org, requestId: 'r2', email: 'nia@school.test', firstName: 'Nia', lastName: 'Ng', requestedAt: '2026-12-08T10:00:00.000Z' } },
    ]);
  });
});

describe('Deciding a join request', () => {
  const waiting = [...company, ...domainVerified, settings('domain', 'approval'), requested];

  test('approving invites the person with the roles chosen, in the same step', () => {
    spec(waiting).when({ type: 'ApproveJoinRequest', data: { requestId: 'r1', userId: 'nia', roles: ['instructor'], setupToken: token(6), actorId: 'ann', now } }).then([
      { type: 'JoinRequestApproved', data: { organizationId: org, requestId: 'r1', userId: 'nia', approvedAt: now } },
      {
        type: 'UserInvited',
        data: { organizationId: org, userId: 'nia', email: 'nia@school.test', firstName: 'Nia', lastName: 'Ng', roles: ['instructor'], setupTokenHash: 'hash-6', setupTokenCiphertext: 'cipher-6', setupExpiresAt: '2026-11-30T00:00:00.000Z' },
      },
    ]);
  });

  test('declining needs a reason; a decided request cannot be decided again; an unknown one is 404', () => {
    spec(waiting).when({ type: 'RejectJoinRequest', data: { requestId: 'r1', reason: '  ', now } }).thenFails('invalid-join-decision', { kind: 'invalid', fields: ['reason'] });
    spec([...waiting, rejected]).when({ type: 'RejectJoinRequest', data: { requestId: 'r1', reason: 'again', now } }).thenFails('join-request-decided', { kind: 'rule' });
    spec(waiting).when({ type: 'RejectJoinRequest', data: { requestId: 'nope', reason: 'x', now } }).thenFails('join-request-not-found', { kind: 'not-found' });
  });
});
