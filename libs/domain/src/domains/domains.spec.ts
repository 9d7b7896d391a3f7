import { describe, expect, test } from '@jest/globals';
import { company, org, spec } from '../testing/company.js';
import { deciderSpec } from '../testing/given-when-then.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import { domainClaimDecider, domainOfEmail, domainRecordName, domainRecordValue, validDomain } from './domains.js';

/** Verified email domains (issue 17; multi-tenant guide, Domain Auto-Join). */
const added: OrganizationEvent = { type: 'EmailDomainAdded', data: { organizationId: org, domain: 'school.test', token: 'tok', addedAt: '2026-12-01T00:00:00.000Z' } };

describe('Email domains', () => {
  test('a domain is kept in lower case ASCII; a name that is not a domain is refused', () => {
    expect(validDomain(' Lakeshore.Example. ')).toBe('lakeshore.example');
    expect(validDomain('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
    for (const bad of ['localhost', 'lake shore.example', '-lake.example', 'lake.123', '', 'a'.repeat(64) + '.example'])
      expect(() => validDomain(bad)).toThrow('domain must be a domain name such as lakeshore.example');
  });

  test('public email providers cannot be added: anyone can have an address there', () => {
    expect(() => validDomain('Gmail.com')).toThrow('gmail.com is a public email provider');
    spec(company).when({ type: 'AddEmailDomain', data: { domain: 'outlook.com', token: 'tok', now: '2026-12-01T00:00:00.000Z' } }).thenFails('invalid-domain', { kind: 'invalid', fields: ['domain'] });
  });

  test('added pending with its token; added twice is 409; verified once; removed', () => {
    spec(company).when({ type: 'AddEmailDomain', data: { domain: 'School.TEST', token: 'tok', now: '2026-12-01T00:00:00.000Z' } }).then([added]);
    spec([...company, added]).when({ type: 'AddEmailDomain', data: { domain: 'school.test', token: 'other', now: '2026-12-01T00:00:00.000Z' } }).thenFails('domain-already-added', { kind: 'conflict' });
    const verified: OrganizationEvent = { type: 'EmailDomainVerified', data: { organizationId: org, domain: 'school.test', verifiedAt: '2026-12-02T00:00:00.000Z' } };
    spec([...company, added]).when({ type: 'VerifyEmailDomain', data: { domain: 'school.test', now: '2026-12-02T00:00:00.000Z' } }).then([verified]);
    spec([...company, added, verified]).when({ type: 'VerifyEmailDomain', data: { domain: 'school.test', now: '2026-12-03T00:00:00.000Z' } }).thenNothingHappens();
    spec([...company, added, verified]).when({ type: 'RemoveEmailDomain', data: { domain: 'school.test' } }).then([
      { type: 'EmailDomainRemoved', data: { organizationId: org, domain: 'school.test', wasVerified: true } },
    ]);
    spec(company).when({ type: 'RemoveEmailDomain', data: { domain: 'school.test' } }).thenFails('domain-not-found', { kind: 'not-found' });
  });

  test('one organization at a time: the claim of a verified domain is refused to a second, and free again once released', () => {
    const claims = deciderSpec(domainClaimDecider);
    const claimed = { type: 'DomainClaimed' as const, data: { domain: 'school.test', organizationId: 'o1', claimedAt: '2026-12-01T00:00:00.000Z' } };
    claims([]).when({ type: 'ClaimDomain', data: { domain: 'school.test', organizationId: 'o1', now: '2026-12-01T00:00:00.000Z' } }).then([claimed]);
    claims([claimed]).when({ type: 'ClaimDomain', data: { domain: 'school.test', organizationId: 'o1', now: '2026-12-02T00:00:00.000Z' } }).thenNothingHappens();
    claims([claimed]).when({ type: 'ClaimDomain', data: { domain: 'school.test', organizationId: 'o2', now: '2026-12-02T00:00:00.000Z' } }).thenFails('domain-taken', { kind: 'conflict', fields: ['domain'] });
    claims([claimed]).when({ type: 'ReleaseDomain', data: { organizationId: 'o2' } }).thenNothingHappens();
    claims([claimed, { type: 'DomainReleased', data: { domain: 'school.test', organizationId: 'o1' } }])
      .when({ type: 'ClaimDomain', data: { domain: 'school.test', organizationId: 'o2', now: '2026-12-03T00:00:00.000Z' } })
      .then([{ type: 'DomainClaimed', data: { domain: 'school.test', organizationId: 'o2', claimedAt: '2026-12-03T00:00:00.000Z' } }]);
  });

  test('the TXT record to publish, and the domain of an address', () => {
    expect(domainRecordName('school.test')).toBe('_organization-service.school.test');
    expect(domainRecordValue('tok')).toBe('organization-service-verification=tok');
    expect(domainOfEmail('Ana@Mail.School.TEST')).toBe('mail.school.test');
  });
});
