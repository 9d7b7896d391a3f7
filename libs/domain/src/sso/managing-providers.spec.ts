import { describe, expect, test } from '@jest/globals';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import { added, created, input, invited, linked, org, settings, spec } from '../testing/sso.js';

describe('Managing SSO providers in the organization stream', () => {
  test('adding keeps the sealed secret in the event; a second provider with the same id is refused', () => {
    spec([created]).when({ type: 'AddSsoProvider', data: { providerId: 'p1', input, clientSecretCiphertext: 'sealed-1' } }).then([added]);
    spec([created, added]).when({ type: 'AddSsoProvider', data: { providerId: 'p1', input, clientSecretCiphertext: 's' } }).thenFails('sso-provider-already-exists', { kind: 'conflict' });
  });

  test('an edit records each changed field; a blank secret keeps the sealed one; an edit that changes nothing writes nothing', () => {
    spec([created, added])
      .when({ type: 'UpdateSsoProvider', data: { providerId: 'p1', input: { displayName: 'Renamed', requireSso: true }, clientSecretCiphertext: null } })
      .then([
        {
          type: 'SsoProviderUpdated',
          data: {
            organizationId: org,
            providerId: 'p1',
            changes: { displayName: { before: 'School Accounts', after: 'Renamed' }, requireSso: { before: false, after: true } },
            secretReplaced: false,
            clientSecretCiphertext: null,
            settings: { ...settings, displayName: 'Renamed', requireSso: true },
          },
        },
      ]);
    spec([created, added]).when({ type: 'UpdateSsoProvider', data: { providerId: 'p1', input: { displayName: 'School Accounts' }, clientSecretCiphertext: null } }).thenNothingHappens();
    spec([created, added]).when({ type: 'UpdateSsoProvider', data: { providerId: 'p1', input: { protocol: 'saml' }, clientSecretCiphertext: null } }).thenFails('invalid-sso-provider', { fields: ['protocol'] });
    const state = [created, added, { type: 'SsoProviderUpdated', data: { organizationId: org, providerId: 'p1', changes: {}, secretReplaced: false, clientSecretCiphertext: null, settings } } as OrganizationEvent].reduce(
      organizationDecider.evolve,
      organizationDecider.initialState(),
    );
    expect(state.status === 'existing' && state.ssoProviders.get('p1')?.clientSecretCiphertext).toBe('sealed-1');
  });

  test("removing a provider removes its identity links and only its own", () => {
    const other: OrganizationEvent = { type: 'SsoProviderAdded', data: { organizationId: org, providerId: 'p2', settings, clientSecretCiphertext: 'sealed-2' } };
    const history = [created, invited('ann'), invited('bob'), added, other, linked('ann', 'sub-1'), linked('bob', 'sub-2', 'p2')];
    spec(history)
      .when({ type: 'RemoveSsoProvider', data: { providerId: 'p1' } })
      .then([{ type: 'SsoProviderRemoved', data: { organizationId: org, providerId: 'p1', displayName: 'School Accounts', unlinkedUserIds: ['ann'] } }]);
    const after = [...history, { type: 'SsoProviderRemoved', data: { organizationId: org, providerId: 'p1', displayName: 'School Accounts', unlinkedUserIds: ['ann'] } } as OrganizationEvent].reduce(
      organizationDecider.evolve,
      organizationDecider.initialState(),
    );
    expect(after.status === 'existing' && [...after.ssoIdentities.values()]).toEqual(['bob']);
    expect(after.status === 'existing' && [...after.ssoProviders.keys()]).toEqual(['p2']);
    spec([...history]).when({ type: 'RemoveSsoProvider', data: { providerId: 'nope' } }).thenFails('sso-provider-not-found', { kind: 'not-found' });
  });
});
