import { describe, test } from '@jest/globals';
import type { OrganizationEvent } from './organization.js';
import { created, edit, id, spec } from '../testing/organization.js';

describe('Editing organization settings', () => {
  test('records only the fields that changed, with before and after', () => {
    spec([created])
      .when(edit({ name: 'Waadookodaading Ojibwe Language Institute', timeZone: 'America/New_York' }))
      .then([
        {
          type: 'OrganizationSettingsUpdated',
          data: {
            organizationId: id,
            changes: {
              name: { before: 'Waadookodaading', after: 'Waadookodaading Ojibwe Language Institute' },
              timeZone: { before: 'America/Chicago', after: 'America/New_York' },
            },
          },
        },
      ]);
  });

  test('allows names up to 255 characters when editing, beyond the 50 of creation', () => {
    spec([created]).when(edit({ name: 'n'.repeat(255) })).then([
      { type: 'OrganizationSettingsUpdated', data: { organizationId: id, changes: { name: { before: 'Waadookodaading', after: 'n'.repeat(255) } } } },
    ]);
  });

  test('refuses a name over 255 characters or an empty one', () => {
    spec([created]).when(edit({ name: 'n'.repeat(256) })).thenFails('invalid-organization-settings', { fields: ['name'] });
    spec([created]).when(edit({ name: '  ' })).thenFails('invalid-organization-settings', { fields: ['name'] });
  });

  test('refuses a description over 500 characters and an invalid time zone', () => {
    spec([created]).when(edit({ description: 'd'.repeat(501), timeZone: 'Pacific Time' }))
      .thenFails('invalid-organization-settings', { fields: ['description', 'timeZone'] });
  });

  test('an edit that changes nothing writes no event', () => {
    spec([created]).when(edit({ name: ' Waadookodaading ' })).thenNothingHappens();
  });

  test('clearing the description is a change', () => {
    const withDescription: OrganizationEvent = {
      type: 'OrganizationSettingsUpdated',
      data: { organizationId: id, changes: { description: { before: null, after: 'Mission' } } },
    };
    spec([created, withDescription]).when(edit({ description: '' })).then([
      { type: 'OrganizationSettingsUpdated', data: { organizationId: id, changes: { description: { before: 'Mission', after: null } } } },
    ]);
  });

  test('an edit that leaves the description out keeps it', () => {
    const withDescription: OrganizationEvent = {
      type: 'OrganizationSettingsUpdated',
      data: { organizationId: id, changes: { description: { before: null, after: 'Mission' } } },
    };
    spec([created, withDescription]).when({ type: 'UpdateOrganizationSettings', data: { name: 'Renamed', timeZone: 'America/Chicago' } }).then([
      { type: 'OrganizationSettingsUpdated', data: { organizationId: id, changes: { name: { before: 'Waadookodaading', after: 'Renamed' } } } },
    ]);
  });

  test('editing an organization that does not exist is not found', () => {
    spec([]).when(edit({})).thenFails('organization-not-found', { kind: 'not-found' });
  });
});
