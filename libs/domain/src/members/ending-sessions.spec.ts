import { describe, test } from '@jest/globals';
import { now, org, school, spec } from '../testing/school.js';

describe('Ending sessions', () => {
  test("records when a user's sessions were ended, for any member of the organization", () => {
    spec(school).when({ type: 'EndUserSessions', data: { userId: 'cal', now } }).then([{ type: 'UserSessionsEnded', data: { organizationId: org, userId: 'cal', endedAt: now } }]);
    spec(school).when({ type: 'EndUserSessions', data: { userId: 'stranger', now } }).thenFails('user-not-found');
  });
});
