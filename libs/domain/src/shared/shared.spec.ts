import { describe, expect, test } from '@jest/globals';
import { eventTypes } from './decider.js';
import { UpcasterChain } from './upcasting.js';
import { canonicalTimeZone } from './validation.js';
import { decideAccess } from '../access/permissions.js';

describe('Upcasting', () => {
  test('turns an old event into the current shape step by step', () => {
    const chain = new UpcasterChain()
      .register('OrganizationCreated', 1, (d) => ({ ...d, timeZone: d.tz, tz: undefined }))
      .register('OrganizationCreated', 2, (d) => ({ ...d, description: d.description ?? null }));
    const upcast = chain.upcast({ type: 'OrganizationCreated', schemaVersion: 1, data: { name: 'A', tz: 'UTC' } });
    expect(upcast.schemaVersion).toBe(3);
    expect(upcast.data).toMatchObject({ name: 'A', timeZone: 'UTC', description: null });
  });

  test('leaves current events and unknown types alone', () => {
    const chain = new UpcasterChain().register('X', 1, (d) => ({ ...d, v: 2 }));
    const current = { type: 'X', schemaVersion: 2, data: { v: 2 } };
    expect(chain.upcast(current)).toBe(current);
  });
});

describe('Time zones', () => {
  test.each([
    ['Europe/Paris', 'Europe/Paris'],
    ['utc', 'UTC'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Nowhere/Land', null],
    ['+05:00', null],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalTimeZone(input)).toBe(expected);
  });
});

describe('Access decisions', () => {
  const admin = { kind: 'member' as const, id: 'u1', email: 'a@x.org', organizationId: 'org-a', roles: ['admin' as const] };
  const instructor = { ...admin, roles: ['instructor' as const] };
  const superAdmin = { kind: 'superAdmin' as const, id: 's', email: 's@x.org' };

  test('an admin edits their own organization, and another organization is not found', () => {
    expect(decideAccess(admin, 'organization:edit', 'org-a')).toBe('allow');
    expect(decideAccess(admin, 'organization:edit', 'org-b')).toBe('not-found');
  });

  test('an instructor may not view organization details', () => {
    expect(decideAccess(instructor, 'organization:view', 'org-a')).toBe('forbidden');
  });

  test('only super admins create, list and toggle arrears', () => {
    expect(decideAccess(admin, 'organization:create')).toBe('forbidden');
    expect(decideAccess(admin, 'organization:list')).toBe('forbidden');
    expect(decideAccess(admin, 'organization:arrears', 'org-a')).toBe('forbidden');
    expect(decideAccess(superAdmin, 'organization:arrears', 'org-b')).toBe('allow');
  });
});

describe('Auditor access', () => {
  const auditor = { kind: 'member' as const, id: 'u2', email: 'x@x.org', organizationId: 'org-a', roles: ['auditor' as const] };
  const platformAuditor = { kind: 'platformAuditor' as const, id: 'p', email: 'p@x.org' };

  test('an organization auditor reads the audit trail of their own organization only, and changes nothing', () => {
    expect(decideAccess(auditor, 'audit:read', 'org-a')).toBe('allow');
    expect(decideAccess(auditor, 'audit:read', 'org-b')).toBe('not-found');
    expect(decideAccess(auditor, 'user:manage', 'org-a')).toBe('forbidden');
    expect(decideAccess(auditor, 'organization:edit', 'org-a')).toBe('forbidden');
  });

  test('a platform-wide export names no organization and is not for members', () => {
    expect(decideAccess(auditor, 'audit:export')).toBe('forbidden');
    expect(decideAccess(platformAuditor, 'audit:export')).toBe('allow');
    expect(decideAccess(platformAuditor, 'audit:read', 'org-b')).toBe('allow');
    expect(decideAccess(platformAuditor, 'organization:create')).toBe('forbidden');
  });
});

describe('Event type lists', () => {
  type Pair = { type: 'Opened'; data: object } | { type: 'Closed'; data: object };
  test('name each type of the union exactly once; the compiler refuses one left out or one made up', () => {
    expect([...eventTypes<Pair>({ Opened: true, Closed: true })]).toEqual(['Opened', 'Closed']);
    // @ts-expect-error: 'Closed' is left out (npm test type-checks this file; without the error it fails)
    eventTypes<Pair>({ Opened: true });
    // @ts-expect-error: 'Reopened' is not an event of the union
    eventTypes<Pair>({ Opened: true, Closed: true, Reopened: true });
  });
});
