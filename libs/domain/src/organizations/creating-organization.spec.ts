import { DEFAULT_PROFILE } from './profile.js';
import { describe, expect, test } from '@jest/globals';
import { organizationDecider } from './organization.decider.js';
import { create, created, id, now, spec } from '../testing/organization.js';

describe('Creating an organization', () => {
  test('creates it with trimmed name and description and the canonical time zone', () => {
    spec([])
      .when(create({ name: '  Ojibwe Institute  ', description: '  K-12 immersion  ', timeZone: 'utc' }))
      .then([
        {
          type: 'OrganizationCreated',
          data: { organizationId: id, name: 'Ojibwe Institute', description: 'K-12 immersion', timeZone: 'UTC', profile: DEFAULT_PROFILE, slug: 'waadookodaading', createdAt: now },
        },
      ]);
  });

  test('an empty description is stored as none', () => {
    spec([]).when(create({ description: '   ' })).then([{ ...created }]);
  });

  test.each([
    ['shorter than 3 characters after trimming', '  ab  '],
    ['longer than 50 characters', 'x'.repeat(51)],
    ['empty', '   '],
  ])('refuses a name %s', (_label, name) => {
    spec([]).when(create({ name })).thenFails('invalid-organization-settings', { kind: 'invalid', fields: ['name'] });
  });

  test('accepts names of exactly 3 and exactly 50 characters', () => {
    expect(() => organizationDecider.decide(create({ name: 'abc' }), organizationDecider.initialState())).not.toThrow();
    expect(() => organizationDecider.decide(create({ name: 'x'.repeat(50) }), organizationDecider.initialState())).not.toThrow();
  });

  test('counts characters, not UTF-16 units: 50 emoji are a valid name', () => {
    expect(() => organizationDecider.decide(create({ name: '🦉'.repeat(50) }), organizationDecider.initialState())).not.toThrow();
  });

  test('refuses a description over 500 characters', () => {
    spec([]).when(create({ description: 'd'.repeat(501) })).thenFails('invalid-organization-settings', { fields: ['description'] });
  });

  test.each([['Mars/Olympus_Mons'], ['+02:00'], ['EST5EDT extra'], ['']])('refuses the time zone %p', (timeZone) => {
    spec([]).when(create({ timeZone })).thenFails('invalid-organization-settings', { fields: ['timeZone'] });
  });

  test('reports every invalid field at once', () => {
    spec([]).when(create({ name: 'a', description: 'd'.repeat(501), timeZone: 'Nowhere/Land' }))
      .thenFails('invalid-organization-settings', { fields: ['name', 'description', 'timeZone'] });
  });

  test('refuses to create the same organization twice', () => {
    spec([created]).when(create({})).thenFails('organization-already-exists', { kind: 'conflict' });
  });

  test('a malformed slug is refused beside the other fields', () => {
    spec([]).when(create({ name: 'ab', slug: 'Bad Slug' })).thenFails('invalid-organization-settings', { kind: 'invalid', fields: ['name', 'slug'] });
  });

  test('without a named owner the organization starts with no member: its creator does not become its owner', () => {
    spec([]).when(create({})).then([{ ...created }]);
  });

  test('a super admin who names an owner invites them as owner and admin in the same step', () => {
    const setupToken = { hash: 'hash-1', ciphertext: 'cipher-1', expiresAt: '2026-11-30T10:00:00.000Z' };
    spec([])
      .when({ ...create({}), data: { ...create({}).data, owner: { userId: 'olga', email: ' olga@lakeshore.test ', firstName: 'Olga', lastName: 'Nakamura', setupToken } } })
      .then([
        { ...created },
        {
          type: 'UserInvited',
          data: { organizationId: id, userId: 'olga', email: 'olga@lakeshore.test', firstName: 'Olga', lastName: 'Nakamura', roles: ['owner', 'admin'], setupTokenHash: 'hash-1', setupTokenCiphertext: 'cipher-1', setupExpiresAt: '2026-11-30T10:00:00.000Z' },
        },
      ]);
  });

  test('a named owner with a malformed email is refused, and nothing is created', () => {
    const setupToken = { hash: 'hash-1', ciphertext: 'cipher-1', expiresAt: '2026-11-30T10:00:00.000Z' };
    spec([])
      .when({ ...create({}), data: { ...create({}).data, owner: { userId: 'olga', email: 'not-an-address', firstName: 'Olga', lastName: 'Nakamura', setupToken } } })
      .thenFails('invalid-user', { kind: 'invalid', fields: ['email'] });
  });
});
