import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { emailKey } from '../shared/email.js';
import { domainOfEmail } from '../domains/domains.js';
import type { ExistingOrganization, OrganizationCommand, OrganizationEvent } from '../organizations/organization.js';
import { checkInvitation } from './inviting-user.js';
import { JOIN_REASON_MAX, JOIN_RETRY_DAYS, SELF_REGISTERED_ROLES, type JoinRequest } from './join-requests.js';

/**
 * Self-registration and join requests (multi-tenant guide, Domain Auto-Join; issue 17).
 * A person whose address is at one of the organization's verified domains, and who has
 * proven the address (a mailed link), joins at once when self-registration is `domain`
 * and the membership policy `open`; otherwise their request waits for an admin, who
 * approves it (with roles and teams) or rejects it (with a reason they are mailed).
 * Someone rejected may ask again after 7 days.
 */
/** The organization's rules for someone who proved an address and wants in: join at once, wait, or be refused. */
export function registerBySelf(command: Extract<OrganizationCommand, { type: 'RegisterBySelf' }>, org: ExistingOrganization): OrganizationEvent[] {
  const { requestId, userId, email, firstName, lastName, setupToken, now } = command.data;
  const { selfRegistration, membershipPolicy } = org.settings;
  const domain = org.emailDomains[domainOfEmail(email)];
  if (selfRegistration === 'disabled' || !domain || domain.status !== 'verified')
    throw new DomainError('self-registration-closed', 'This organization does not take registrations from this address; ask an administrator for an invitation');
  const person = checkInvitation({ userId, email, firstName, lastName, roles: [...SELF_REGISTERED_ROLES], setupToken }, org);
  if (selfRegistration === 'domain' && membershipPolicy === 'open')
    return [
      {
        type: 'UserInvited',
        data: { organizationId: org.id, userId, email: person.email, firstName: person.firstName, lastName: person.lastName, roles: person.roles, setupTokenHash: setupToken.hash, setupTokenCiphertext: setupToken.ciphertext, setupExpiresAt: setupToken.expiresAt },
      },
    ];
  const previous = latestRequest(org, person.email);
  if (previous?.status === 'pending') return [];
  if (previous?.status === 'rejected' && previous.decidedAt) {
    const again = new Date(Date.parse(previous.decidedAt) + JOIN_RETRY_DAYS * 86_400_000).toISOString();
    if (now < again) throw new DomainError('join-request-rejected-recently', `Your last request was declined; you can ask again from ${again}`, { retryAfter: again });
  }
  return [{ type: 'JoinRequested', data: { organizationId: org.id, requestId, email: person.email, firstName: person.firstName, lastName: person.lastName, requestedAt: now } }];
}

const pendingRequest = (org: ExistingOrganization, requestId: string): JoinRequest => {
  const request = org.joinRequests[requestId];
  if (!request) throw new DomainError('join-request-not-found', 'No such join request in this organization');
  if (request.status !== 'pending') throw new DomainError('join-request-decided', `This request was ${request.status} already`);
  return request;
};

/** Approving: the person is invited with the roles chosen, by the rules of any invitation (the process reserved the address first). */
export function approveJoinRequest(command: Extract<OrganizationCommand, { type: 'ApproveJoinRequest' }>, org: ExistingOrganization): OrganizationEvent[] {
  const { requestId, userId, roles, setupToken, actorId, now } = command.data;
  const request = pendingRequest(org, requestId);
  const person = checkInvitation({ userId, email: request.email, firstName: request.firstName, lastName: request.lastName, roles, setupToken, actorId }, org);
  return [
    { type: 'JoinRequestApproved', data: { organizationId: org.id, requestId, userId, approvedAt: now } },
    {
      type: 'UserInvited',
      data: { organizationId: org.id, userId, email: person.email, firstName: person.firstName, lastName: person.lastName, roles: person.roles, setupTokenHash: setupToken.hash, setupTokenCiphertext: setupToken.ciphertext, setupExpiresAt: setupToken.expiresAt },
    },
  ];
}

export function rejectJoinRequest(command: Extract<OrganizationCommand, { type: 'RejectJoinRequest' }>, org: ExistingOrganization): OrganizationEvent[] {
  const request = pendingRequest(org, command.data.requestId);
  const reason = typeof command.data.reason === 'string' ? command.data.reason.trim() : '';
  if (!reason || reason.length > JOIN_REASON_MAX) throw new ValidationFailed('invalid-join-decision', [{ field: 'reason', message: `reason is required (at most ${JOIN_REASON_MAX} characters): it is mailed to the person` }]);
  return [{ type: 'JoinRequestRejected', data: { organizationId: org.id, requestId: request.id, email: request.email, firstName: request.firstName, reason, rejectedAt: command.data.now } }];
}

/** The latest request from an address, whatever its status. */
export function latestRequest(org: ExistingOrganization, email: string): JoinRequest | undefined {
  const key = emailKey(email);
  let latest: JoinRequest | undefined;
  for (const request of Object.values(org.joinRequests)) if (emailKey(request.email) === key && (!latest || request.requestedAt >= latest.requestedAt)) latest = request;
  return latest;
}

