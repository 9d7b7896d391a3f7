import { describe, expect, test } from '@jest/globals';
import type { OrganizationEvent } from './organization.js';
import { organizationDecider } from './organization.decider.js';
import { DEFAULT_PROFILE, isCountryCode } from './profile.js';
import { create, created, edit, id, now, spec } from '../testing/organization.js';

/**
 * The organization profile (multi-tenant guide: Creating Organizations, "Organization
 * Details", "Organization Types"): a type (company, educational, professional services,
 * community), industry, website, a primary contact with phone and postal address, and a
 * billing contact. All optional but the type, which is a company unless said otherwise.
 */
const lakeshore = {
  type: 'educational',
  industry: '  Language education ',
  website: 'https://waadookodaading.example.org/about',
  primaryContact: {
    name: 'Keller Paap',
    phone: '+1 (715) 555-0142',
    address: { lines: ['8575 W Trepania Rd', ''], city: 'Hayward', region: 'Wisconsin', postalCode: '54843', country: 'us' },
  },
  billingContact: { name: 'Accounts', email: 'billing@waadookodaading.example.org' },
};

const stored = {
  type: 'educational' as const,
  industry: 'Language education',
  website: 'https://waadookodaading.example.org/about',
  primaryContact: {
    name: 'Keller Paap',
    phone: '+17155550142',
    address: { lines: ['8575 W Trepania Rd'], city: 'Hayward', region: 'Wisconsin', postalCode: '54843', country: 'US' },
  },
  billingContact: { name: 'Accounts', email: 'billing@waadookodaading.example.org' },
};

describe('The organization profile', () => {
  test('is given at creation, trimmed, the phone in E.164 form and the country code in upper case', () => {
    spec([]).when(create({ profile: lakeshore })).then([
      { type: 'OrganizationCreated', data: { organizationId: id, name: 'Waadookodaading', description: null, timeZone: 'America/Chicago', profile: stored, slug: 'waadookodaading', createdAt: now } },
    ]);
  });

  test('an organization created without one is a company with nothing else said', () => {
    spec([]).when(create({})).then([
      {
        type: 'OrganizationCreated',
        data: {
          organizationId: id,
          name: 'Waadookodaading',
          description: null,
          timeZone: 'America/Chicago',
          profile: { type: 'company', industry: null, website: null, primaryContact: { name: null, phone: null, address: null }, billingContact: { name: null, email: null } },
          slug: 'waadookodaading',
          createdAt: now,
        },
      },
    ]);
  });

  test('refuses each wrong field at once, beside the settings, naming every one', () => {
    spec([])
      .when(
        create({
          name: 'ab',
          profile: {
            type: 'charity',
            industry: 'i'.repeat(101),
            website: 'waadookodaading.example.org',
            primaryContact: { phone: '555-0142', address: { country: 'EU', lines: ['a', 'b', 'c', 'd', 'e'] } },
            billingContact: { email: 'accounts at example.org' },
          },
        }),
      )
      .thenFails('invalid-organization-settings', {
        fields: ['name', 'type', 'industry', 'website', 'primaryContact.phone', 'primaryContact.address.lines', 'primaryContact.address.country', 'billingContact.email'],
      });
  });

  test('a website must be an absolute http(s) address', () => {
    for (const website of ['ftp://example.org', 'javascript:alert(1)', '/about', 'https://localhost'])
      spec([]).when(create({ profile: { website } })).thenFails('invalid-organization-settings', { fields: ['website'] });
  });

  test('countries are ISO 3166-1 alpha-2 codes: Kosovo is one, the European Union and made-up codes are not', () => {
    expect(['CA', 'DE', 'NZ', 'XK'].every(isCountryCode)).toBe(true);
    expect(['EU', 'UN', 'ZZ', 'QQ', 'AA', 'USA', 'ca'].some(isCountryCode)).toBe(false);
  });

  test('an edit changes the fields sent, each recorded with its value before and after; a contact is patched field by field', () => {
    const withProfile: OrganizationEvent = { ...created, data: { ...(created.data as object), profile: stored } } as OrganizationEvent;
    spec([withProfile])
      .when(edit({ profile: { industry: 'Immersion schools', primaryContact: { phone: '+1 715 555 0199' } } }))
      .then([
        {
          type: 'OrganizationSettingsUpdated',
          data: {
            organizationId: id,
            changes: {
              industry: { before: 'Language education', after: 'Immersion schools' },
              primaryContact: { before: stored.primaryContact, after: { ...stored.primaryContact, phone: '+17155550199' } },
            },
          },
        },
      ]);
  });

  test('null clears a field or a whole contact; sending what is already there writes nothing', () => {
    const withProfile: OrganizationEvent = { ...created, data: { ...(created.data as object), profile: stored } } as OrganizationEvent;
    spec([withProfile])
      .when(edit({ profile: { website: null, billingContact: null } }))
      .then([
        {
          type: 'OrganizationSettingsUpdated',
          data: {
            organizationId: id,
            changes: {
              website: { before: stored.website, after: null },
              billingContact: { before: stored.billingContact, after: { name: null, email: null } },
            },
          },
        },
      ]);
    spec([withProfile]).when(edit({ profile: { type: 'educational', industry: ' Language education ' } })).thenNothingHappens();
  });

  test('the fold keeps the profile: created, then edited', () => {
    const events: OrganizationEvent[] = [
      created,
      { type: 'OrganizationSettingsUpdated', data: { organizationId: id, changes: { type: { before: 'company', after: 'community' }, industry: { before: null, after: 'Arts' } } } },
    ];
    const state = events.reduce(organizationDecider.evolve, organizationDecider.initialState());
    expect(state.status === 'existing' && state.profile).toEqual({ ...DEFAULT_PROFILE, type: 'community', industry: 'Arts' });
  });
});
