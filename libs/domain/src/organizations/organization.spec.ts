import { describe, expect, test } from '@jest/globals';
import { deciderSpec } from '../testing/given-when-then.js';
import { organizationDecider, type OrganizationEvent } from './organization.js';
import { detectLogoFormat, type LogoRef } from './logo.js';

const spec = deciderSpec(organizationDecider);
const id = '6c1f4a2e-7d1b-4b7e-9a57-0d7f5c1e2a10';
const now = '2026-11-23T10:00:00.000Z';
const created: OrganizationEvent = {
  type: 'OrganizationCreated',
  data: { organizationId: id, name: 'Waadookodaading', description: null, timeZone: 'America/Chicago', createdAt: now },
};
const create = (data: Partial<{ name: string; description: string | null; timeZone: string }>) => ({
  type: 'CreateOrganization' as const,
  data: { organizationId: id, name: 'Waadookodaading', timeZone: 'America/Chicago', now, ...data },
});
const edit = (data: Partial<{ name: string; description: string | null; timeZone: string }>) => ({
  type: 'UpdateOrganizationSettings' as const,
  data: { name: 'Waadookodaading', description: null, timeZone: 'America/Chicago', ...data },
});
const logo: LogoRef = { sha256: 'a'.repeat(64), contentType: 'image/png', size: 10 };

describe('Creating an organization', () => {
  test('creates it with trimmed name and description and the canonical time zone', () => {
    spec([])
      .when(create({ name: '  Ojibwe Institute  ', description: '  K-12 immersion  ', timeZone: 'utc' }))
      .then([
        {
          type: 'OrganizationCreated',
          data: { organizationId: id, name: 'Ojibwe Institute', description: 'K-12 immersion', timeZone: 'UTC', createdAt: now },
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
});

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

describe('Logo', () => {
  test('changing the logo records its content address', () => {
    spec([created]).when({ type: 'ChangeOrganizationLogo', data: { logo } }).then([{ type: 'OrganizationLogoChanged', data: { organizationId: id, logo } }]);
  });

  test('uploading the same image again changes nothing', () => {
    spec([created, { type: 'OrganizationLogoChanged', data: { organizationId: id, logo } }])
      .when({ type: 'ChangeOrganizationLogo', data: { logo } })
      .thenNothingHappens();
  });

  test('removing the logo, and removing it when there is none', () => {
    spec([created, { type: 'OrganizationLogoChanged', data: { organizationId: id, logo } }])
      .when({ type: 'RemoveOrganizationLogo', data: {} })
      .then([{ type: 'OrganizationLogoRemoved', data: { organizationId: id } }]);
    spec([created]).when({ type: 'RemoveOrganizationLogo', data: {} }).thenNothingHappens();
  });

  test.each([
    ['JPEG', [0xff, 0xd8, 0xff, 0xe0], 'image/jpeg'],
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
    ['WebP', [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')], 'image/webp'],
    ['BMP', [...Buffer.from('BM'), ...new Array(30).fill(0)], 'image/bmp'],
    ['TIFF (little endian)', [0x49, 0x49, 0x2a, 0x00], 'image/tiff'],
    ['TIFF (big endian)', [0x4d, 0x4d, 0x00, 0x2a], 'image/tiff'],
    ['GIF', [...Buffer.from('GIF89a')], null],
    ['SVG', [...Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')], null],
    ['HTML named .png', [...Buffer.from('<html>')], null],
    ['RIFF that is not WebP', [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WAVE')], null],
  ])('recognises %s by its bytes', (_label, bytes, expected) => {
    expect(detectLogoFormat(Uint8Array.from(bytes as number[]))).toBe(expected);
  });
});

describe('Arrears', () => {
  test('marking in arrears records the current time', () => {
    spec([created]).when({ type: 'MarkOrganizationInArrears', data: { now } }).then([
      { type: 'OrganizationMarkedInArrears', data: { organizationId: id, inArrearsAt: now } },
    ]);
  });

  test('marking again keeps the original date and writes nothing', () => {
    spec([created, { type: 'OrganizationMarkedInArrears', data: { organizationId: id, inArrearsAt: now } }])
      .when({ type: 'MarkOrganizationInArrears', data: { now: '2026-12-01T00:00:00.000Z' } })
      .thenNothingHappens();
  });

  test('clearing arrears remembers since when they ran, and clearing twice writes nothing', () => {
    spec([created, { type: 'OrganizationMarkedInArrears', data: { organizationId: id, inArrearsAt: now } }])
      .when({ type: 'ClearOrganizationArrears', data: {} })
      .then([{ type: 'OrganizationArrearsCleared', data: { organizationId: id, wasInArrearsSince: now } }]);
    spec([created]).when({ type: 'ClearOrganizationArrears', data: {} }).thenNothingHappens();
  });

  test('arrears on an unknown organization are not found', () => {
    spec([]).when({ type: 'MarkOrganizationInArrears', data: { now } }).thenFails('organization-not-found', { kind: 'not-found' });
  });
});

describe('Session policy', () => {
  test('records the new idle and absolute timeouts with the old ones', () => {
    spec([created]).when({ type: 'SetSessionPolicy', data: { idleTimeoutMinutes: 15, absoluteTimeoutHours: 8 } }).then([
      {
        type: 'OrganizationSessionPolicyChanged',
        data: { organizationId: id, before: { idleTimeoutMinutes: 60, absoluteTimeoutHours: 12 }, after: { idleTimeoutMinutes: 15, absoluteTimeoutHours: 8 } },
      },
    ]);
  });

  test('the same policy again writes nothing', () => {
    spec([created]).when({ type: 'SetSessionPolicy', data: { idleTimeoutMinutes: 60, absoluteTimeoutHours: 12 } }).thenNothingHappens();
  });

  test.each([
    [{ idleTimeoutMinutes: 4, absoluteTimeoutHours: 12 }, ['idleTimeoutMinutes']],
    [{ idleTimeoutMinutes: 60, absoluteTimeoutHours: 721 }, ['absoluteTimeoutHours']],
    [{ idleTimeoutMinutes: 1.5, absoluteTimeoutHours: 0 }, ['absoluteTimeoutHours', 'idleTimeoutMinutes']],
    [{ idleTimeoutMinutes: 180, absoluteTimeoutHours: 2 }, ['idleTimeoutMinutes']],
  ])('refuses %p', (data, fields) => {
    spec([created]).when({ type: 'SetSessionPolicy', data }).thenFails('invalid-session-policy', { kind: 'invalid', fields });
  });
});
