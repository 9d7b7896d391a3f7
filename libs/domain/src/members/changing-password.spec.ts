import { describe, test } from '@jest/globals';
import { deactivated, org, school, setUp, spec } from '../testing/school.js';

describe('Changing one\'s own password', () => {
  const change = (userId: string, actorId = userId) => ({ type: 'ChangePassword' as const, data: { userId, actorId, passwordHash: '$argon2id$new' } });

  test('an active member changes their own: the log keeps the new hash', () => {
    spec([...school, setUp('dan')]).when(change('dan')).then([{ type: 'PasswordChanged', data: { organizationId: org, userId: 'dan', passwordHash: '$argon2id$new' } }]);
  });

  test('nobody changes another member\'s password, not even an admin: 403 forbidden', () => {
    spec([...school, setUp('dan')]).when(change('dan', 'ann')).thenFails('forbidden');
  });

  test('an invitee who never set one, and a deactivated member, cannot', () => {
    spec(school).when(change('dan')).thenFails('account-deactivated');
    spec([...school, setUp('dan'), deactivated('dan')]).when(change('dan')).thenFails('account-deactivated');
  });

  test('an unknown member is not found', () => {
    spec(school).when(change('nobody')).thenFails('user-not-found');
  });
});
