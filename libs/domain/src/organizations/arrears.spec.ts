import { describe, test } from '@jest/globals';
import { created, id, now, spec } from '../testing/organization.js';

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
