import { describe, test } from '@jest/globals';
import { added, created, invited, linked, spec } from '../testing/sso.js';

describe('Linking SSO identities', () => {
  test('an identity is (provider, subject): linked once, never to a second user', () => {
    spec([created, invited('ann'), invited('bob'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-1', userId: 'ann', email: 'ANN@school.test' } })
      .then([linked('ann', 'sub-1')]);
    spec([created, invited('ann'), invited('bob'), added, linked('ann', 'sub-1')])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-1', userId: 'ann', email: 'ann@school.test' } })
      .thenNothingHappens();
    spec([created, invited('ann'), invited('bob'), added, linked('ann', 'sub-1')])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-1', userId: 'bob', email: 'bob@school.test' } })
      .thenFails('sso-identity-already-linked', { kind: 'conflict' });
    // The email must be the member's: a verified email for someone else links no one.
    spec([created, invited('ann'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-9', userId: 'ann', email: 'bob@school.test' } })
      .thenFails('sso-account-not-linked', { kind: 'conflict' });
    // Exactly the member's: a look-alike that case mapping or NFC would fold (U+212A KELVIN SIGN) links no one.
    spec([created, invited('kim'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-9', userId: 'kim', email: '\u212Aim@school.test' } })
      .thenFails('sso-account-not-linked', { kind: 'conflict' });
    spec([created, invited('ann'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-9', userId: 'ann', email: 'ANN@School.test' } })
      .then([{ type: 'SsoIdentityLinked', data: { organizationId: 'org-1', providerId: 'p1', subject: 'sub-9', userId: 'ann', email: 'ann@school.test', method: 'verified-email' } }]);
    // An admin's link carries no email: they checked who it is.
    spec([created, invited('ann'), added])
      .when({ type: 'LinkSsoIdentity', data: { providerId: 'p1', subject: 'sub-9', userId: 'ann', email: null } })
      .then([{ type: 'SsoIdentityLinked', data: { organizationId: 'org-1', providerId: 'p1', subject: 'sub-9', userId: 'ann', email: 'ann@school.test', method: 'admin' } }]);
  });
});
