import { DomainError } from '../shared/domain-error.js';
import { provider, settingsOf, ssoIdentityKey, validateSsoProvider, type SsoChanges, type SsoCommand, type SsoEvent, type SsoProviderSettings, type SsoState } from './sso.js';

/** Adding, editing and removing an organization's SSO providers (guide: Enterprise SSO Management). */
export function addSsoProvider(command: Extract<SsoCommand, { type: 'AddSsoProvider' }>, state: SsoState): SsoEvent[] {
  const organizationId = state.id;
  const { providerId, input, clientSecretCiphertext } = command.data;
  if (state.ssoProviders.has(providerId)) throw new DomainError('sso-provider-already-exists', 'An SSO provider with this id already exists');
  const settings = validateSsoProvider(input, null, clientSecretCiphertext !== null);
  return [{ type: 'SsoProviderAdded', data: { organizationId, providerId, settings, clientSecretCiphertext: settings.protocol === 'oidc' ? clientSecretCiphertext : null } }];
}

export function updateSsoProvider(command: Extract<SsoCommand, { type: 'UpdateSsoProvider' }>, state: SsoState): SsoEvent[] {
  const organizationId = state.id;
  const existing = provider(state, command.data.providerId);
  const current = settingsOf(existing);
  const replacing = command.data.clientSecretCiphertext !== null && existing.protocol === 'oidc';
  const next = validateSsoProvider(command.data.input, current, replacing || existing.clientSecretCiphertext !== null);
  const changes: SsoChanges = {};
  for (const key of Object.keys(next) as (keyof SsoProviderSettings)[])
    if (JSON.stringify(next[key]) !== JSON.stringify(current[key])) (changes as Record<string, unknown>)[key] = { before: current[key], after: next[key] };
  if (Object.keys(changes).length === 0 && !replacing) return [];
  return [
    {
      type: 'SsoProviderUpdated',
      data: { organizationId, providerId: existing.id, changes, secretReplaced: replacing, clientSecretCiphertext: replacing ? command.data.clientSecretCiphertext : null, settings: next },
    },
  ];
}

export function removeSsoProvider(command: Extract<SsoCommand, { type: 'RemoveSsoProvider' }>, state: SsoState): SsoEvent[] {
  const organizationId = state.id;
  const existing = provider(state, command.data.providerId);
  const prefix = ssoIdentityKey(existing.id, '');
  const unlinkedUserIds = [...state.ssoIdentities].filter(([key]) => key.startsWith(prefix)).map(([, userId]) => userId);
  return [{ type: 'SsoProviderRemoved', data: { organizationId, providerId: existing.id, displayName: existing.displayName, unlinkedUserIds } }];
}
