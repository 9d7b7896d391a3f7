import { describe, test } from '@jest/globals';
import { created, id, spec } from '../testing/organization.js';

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
