import { assertNever, eventTypes, type Decider, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { PUBLIC_EMAIL_DOMAINS } from './public-email-domains.js';

/**
 * Verified email domains (multi-tenant guide, Domain Auto-Join; issue 17). An admin adds
 * a domain and publishes a TXT record with the token the service gives; the service
 * looks the record up in DNS (the application's part) and the domain is verified. A
 * domain is verified by one organization at a time: a reservation stream per domain
 * holds it. Domains of public email providers cannot be added.
 */
export interface EmailDomain {
  domain: string;
  /** What the TXT record must say (its value is `organization-service-verification=<token>`). */
  token: string;
  status: 'pending' | 'verified';
  addedAt: string;
  verifiedAt: string | null;
}

export const DOMAIN_TXT_PREFIX = 'organization-service-verification=';
/** Where the TXT record is published: a name of its own, so it sits beside the domain's other records. */
export const domainRecordName = (domain: string): string => `_organization-service.${domain}`;
export const domainRecordValue = (token: string): string => `${DOMAIN_TXT_PREFIX}${token}`;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A domain as stored: lower case ASCII (the application turns an IDN into punycode first), at least two labels. */
export function validDomain(raw: unknown): string {
  const domain = typeof raw === 'string' ? raw.trim().toLowerCase().replace(/\.$/, '') : '';
  const labels = domain.split('.');
  const ok = domain.length > 0 && domain.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && /^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(labels.at(-1)!);
  if (!ok) throw new ValidationFailed('invalid-domain', [{ field: 'domain', message: 'domain must be a domain name such as lakeshore.example' }]);
  if (PUBLIC_EMAIL_DOMAINS.has(domain))
    throw new ValidationFailed('invalid-domain', [{ field: 'domain', message: `${domain} is a public email provider: anyone can have an address there, so it cannot be verified for an organization` }]);
  return domain;
}

/** The domain of an email address, lower case. */
export const domainOfEmail = (email: string): string => email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();

// ---- The platform-wide claim of a verified domain ---------------------------------------
export type DomainClaimCommand = { type: 'ClaimDomain'; data: { domain: string; organizationId: string; now: string } } | { type: 'ReleaseDomain'; data: { organizationId: string } };
export type DomainClaimEvent =
  | DomainEvent<'DomainClaimed', { domain: string; organizationId: string; claimedAt: string }>
  | DomainEvent<'DomainReleased', { domain: string; organizationId: string }>;
export const DOMAIN_CLAIM_EVENT_TYPES = eventTypes<DomainClaimEvent>({ DomainClaimed: true, DomainReleased: true });
export type DomainClaimState = { status: 'free' } | { status: 'claimed'; domain: string; organizationId: string };

export function decideDomainClaim(command: DomainClaimCommand, state: DomainClaimState): DomainClaimEvent[] {
  switch (command.type) {
    case 'ClaimDomain':
      if (state.status === 'claimed') {
        if (state.organizationId === command.data.organizationId) return [];
        throw new DomainError('domain-taken', 'Another organization has verified this domain', { errors: [{ field: 'domain', message: 'domain is verified by another organization' }] });
      }
      return [{ type: 'DomainClaimed', data: { domain: command.data.domain, organizationId: command.data.organizationId, claimedAt: command.data.now } }];
    case 'ReleaseDomain':
      if (state.status !== 'claimed' || state.organizationId !== command.data.organizationId) return [];
      return [{ type: 'DomainReleased', data: { domain: state.domain, organizationId: state.organizationId } }];
    default:
      return assertNever(command);
  }
}

export const domainClaimDecider: Decider<DomainClaimCommand, DomainClaimEvent, DomainClaimState> = {
  initialState: () => ({ status: 'free' }),
  evolve: (_state, event) => (event.type === 'DomainClaimed' ? { status: 'claimed', domain: event.data.domain, organizationId: event.data.organizationId } : { status: 'free' }),
  decide: decideDomainClaim,
};
