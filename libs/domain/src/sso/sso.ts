import { assertNever, eventTypes, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { FieldErrors, lengthOf } from '../shared/validation.js';
import type { Member } from '../members/membership.js';
import type { MapDraft } from '../shared/persistent-map.js';

/**
 * Enterprise SSO of one organization (guide: Enterprise SSO Management). Providers
 * live in the organization's stream, next to its members, because the rules join
 * them: deleting a provider removes its identity links in the same event, and an
 * identity is linked to a member only while both exist, under one expected revision.
 *
 * The client secret never reaches the domain in the clear: the application seals it
 * (AES-GCM, key from the environment) and the events carry only that ciphertext,
 * which the audit log redacts by field name.
 */
export const SSO_RULES = { displayNameMax: 100, clientIdMax: 255, entityIdMax: 1024, urlMax: 2048, scopesMax: 30, domainsMax: 50 } as const;
export type SsoProtocol = 'oidc' | 'saml';

export interface SsoToggles {
  enabled: boolean;
  requireSso: boolean;
  autoLinkVerifiedEmail: boolean;
  /**
   * SAML only, off by default: an unsolicited (IdP-initiated) response is accepted, for
   * addresses in the provider's own domains, and recorded; it signs no one in by
   * itself but sends the browser to the UI to start a sign-in of its own.
   */
  allowIdpInitiated: boolean;
}

/** What a super admin configures. `issuer` is the OIDC issuer URL or the SAML IdP entity ID. */
export interface SsoProviderSettings extends SsoToggles {
  displayName: string;
  protocol: SsoProtocol;
  issuer: string;
  allowedDomains: string[];
  /** OIDC only. */
  clientId: string | null;
  scopes: string[];
  /** SAML only: where AuthnRequests go, and the PEM certificate responses must be signed with. */
  ssoUrl: string | null;
  idpCertificate: string | null;
}

export interface SsoProvider extends SsoProviderSettings {
  id: string;
  /** OIDC only: the sealed client secret. */
  clientSecretCiphertext: string | null;
  /** The provider's own version (its ETag): 0 when added, one more for each change to it. */
  version: number;
}

/** Raw input as a request carries it; `scopes` and `allowedDomains` may be lists or text. */
export interface SsoProviderInput {
  displayName?: string;
  protocol?: string;
  issuer?: string;
  clientId?: string;
  scopes?: string | string[];
  allowedDomains?: string | string[];
  ssoUrl?: string;
  idpCertificate?: string;
  enabled?: boolean;
  requireSso?: boolean;
  autoLinkVerifiedEmail?: boolean;
  allowIdpInitiated?: boolean;
}

// ---- Commands ----------------------------------------------------------------------
export type SsoCommand =
  | { type: 'AddSsoProvider'; data: { providerId: string; input: SsoProviderInput; clientSecretCiphertext: string | null } }
  /** A null ciphertext keeps the existing secret (the guide: leave it blank to keep it). */
  | { type: 'UpdateSsoProvider'; data: { providerId: string; input: SsoProviderInput; clientSecretCiphertext: string | null } }
  | { type: 'RemoveSsoProvider'; data: { providerId: string } }
  /**
   * Links an identity to a member: by a sign-in whose verified email is exactly the
   * member's (`email`), or by an admin who checked it (`email: null`, audited as theirs).
   */
  | { type: 'LinkSsoIdentity'; data: { providerId: string; subject: string; userId: string; email: string | null } }
  | { type: 'RecordIdpInitiatedSignIn'; data: { providerId: string; subject: string; email: string } };

// ---- Events ------------------------------------------------------------------------
type WithOrg<T> = T & { organizationId: string };
export type SsoChanges = { [K in keyof SsoProviderSettings]?: { before: SsoProviderSettings[K]; after: SsoProviderSettings[K] } };

export type SsoEvent =
  | DomainEvent<'SsoProviderAdded', WithOrg<{ providerId: string; settings: SsoProviderSettings; clientSecretCiphertext: string | null }>>
  | DomainEvent<
      'SsoProviderUpdated',
      WithOrg<{ providerId: string; changes: SsoChanges; secretReplaced: boolean; clientSecretCiphertext: string | null; settings: SsoProviderSettings }>
    >
  /** Removes the provider and every identity linked through it. */
  | DomainEvent<'SsoProviderRemoved', WithOrg<{ providerId: string; displayName: string; unlinkedUserIds: string[] }>>
  /** `method`: by a sign-in's verified email, or by an admin (events before it existed: by email). */
  | DomainEvent<'SsoIdentityLinked', WithOrg<{ providerId: string; subject: string; userId: string; email: string; method?: 'verified-email' | 'admin' }>>
  /** An unsolicited SAML response the provider allows arrived and was verified; it signed no one in. */
  | DomainEvent<'SsoIdpInitiatedSignInReceived', WithOrg<{ providerId: string; subject: string; email: string }>>;

export const SSO_EVENT_TYPES = eventTypes<SsoEvent>({
  SsoProviderAdded: true,
  SsoProviderUpdated: true,
  SsoProviderRemoved: true,
  SsoIdentityLinked: true,
  SsoIdpInitiatedSignInReceived: true,
});

export interface SsoState {
  id: string;
  members: ReadonlyMap<string, Member>;
  ssoProviders: ReadonlyMap<string, SsoProvider>;
  /** `${providerId} ${subject}` -> user id: an identity is the pair, never the email. */
  ssoIdentities: ReadonlyMap<string, string>;
}

/** The SSO maps of an organization being evolved (drafts; see shared/persistent-map.ts). */
export interface SsoDraft {
  ssoProviders: MapDraft<SsoProvider>;
  ssoIdentities: MapDraft<string>;
}

export const ssoIdentityKey = (providerId: string, subject: string): string => `${providerId} ${subject}`;

// ---- Input normalisation -------------------------------------------------------------
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** One per line or comma separated (the guide's wording), or already a list. */
export function splitList(value: string | string[] | undefined): string[] {
  // Spaces separate too: OAuth writes scopes space-separated ("openid email"), and
  // neither a scope nor a domain name can contain one.
  const parts = (Array.isArray(value) ? value : [value ?? '']).flatMap((v) => String(v).split(/[\s,]+/));
  return [...new Set(parts.map((p) => p.trim()).filter((p) => p !== ''))];
}

/** https, or http on loopback (an identity provider on the same machine, as in tests). */
function secureUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    if (url.username || url.password || url.hash) return null;
    if (url.protocol === 'https:') return url;
    if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
    return null;
  } catch {
    return null;
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/**
 * Validates a provider as it would be after applying `input` over `current` (for an
 * edit, fields left out keep their value). Every problem is reported at once.
 */
export function validateSsoProvider(input: SsoProviderInput, current: SsoProviderSettings | null, hasSecret: boolean): SsoProviderSettings {
  const errors = new FieldErrors();
  const pick = <K extends keyof SsoProviderInput>(key: K) => (input[key] !== undefined ? input[key] : current ? (current as unknown as SsoProviderInput)[key] : undefined);

  // An edit keeps the protocol; the rest is checked as that protocol needs.
  const protocol = (current ? current.protocol : text(input.protocol)) as SsoProtocol;
  if (current && input.protocol !== undefined && text(input.protocol) !== current.protocol) errors.add('protocol', 'protocol cannot be changed; add a new provider instead');
  else if (protocol !== 'oidc' && protocol !== 'saml') errors.add('protocol', 'protocol must be oidc or saml');

  const displayName = text(pick('displayName'));
  if (!displayName) errors.add('displayName', 'displayName is required');
  else if (lengthOf(displayName) > SSO_RULES.displayNameMax) errors.add('displayName', `displayName must be at most ${SSO_RULES.displayNameMax} characters`);

  const allowedDomains = splitList(pick('allowedDomains') as string | string[] | undefined).map((d) => d.replace(/^@/, '').toLowerCase());
  if (allowedDomains.length > SSO_RULES.domainsMax) errors.add('allowedDomains', `at most ${SSO_RULES.domainsMax} allowed domains`);
  else {
    const bad = allowedDomains.find((d) => !DOMAIN.test(d));
    if (bad !== undefined) errors.add('allowedDomains', `"${bad}" is not a domain name, for example school.edu`);
  }

  const toggles: SsoToggles = {
    enabled: booleanOf(pick('enabled'), true),
    requireSso: booleanOf(pick('requireSso'), false),
    autoLinkVerifiedEmail: booleanOf(pick('autoLinkVerifiedEmail'), false),
    allowIdpInitiated: booleanOf(pick('allowIdpInitiated'), false),
  };
  if (toggles.allowIdpInitiated && protocol !== 'saml') errors.add('allowIdpInitiated', 'IdP-initiated sign-in exists for SAML providers only');
  else if (toggles.allowIdpInitiated && allowedDomains.length === 0)
    errors.add('allowIdpInitiated', "IdP-initiated sign-in is limited to the provider's own domains: list them in allowedDomains");

  let issuer = text(pick('issuer'));
  let clientId: string | null = null;
  let scopes: string[] = [];
  let ssoUrl: string | null = null;
  let idpCertificate: string | null = null;
  if (protocol === 'oidc') {
    if (!issuer) errors.add('issuer', 'issuer is required');
    else if (issuer.length > SSO_RULES.urlMax || !secureUrl(issuer)) errors.add('issuer', 'issuer must be an https URL (http only on loopback)');
    else issuer = issuer.replace(/\/+$/, '');
    clientId = text(pick('clientId'));
    if (!clientId) errors.add('clientId', 'clientId is required');
    else if (clientId.length > SSO_RULES.clientIdMax) errors.add('clientId', `clientId must be at most ${SSO_RULES.clientIdMax} characters`);
    if (!hasSecret) errors.add('clientSecret', 'clientSecret is required');
    scopes = splitList(pick('scopes') as string | string[] | undefined);
    if (!scopes.includes('openid')) errors.add('scopes', 'scopes must include openid');
    else if (scopes.length > SSO_RULES.scopesMax) errors.add('scopes', `at most ${SSO_RULES.scopesMax} scopes`);
    else if (scopes.some((s) => !SCOPE_TOKEN.test(s))) errors.add('scopes', 'scopes are words without quotes or backslashes, separated by lines, commas or spaces');
  } else if (protocol === 'saml') {
    if (!issuer) errors.add('issuer', 'issuer (the IdP entity ID) is required');
    else if (issuer.length > SSO_RULES.entityIdMax) errors.add('issuer', `issuer must be at most ${SSO_RULES.entityIdMax} characters`);
    ssoUrl = text(pick('ssoUrl'));
    if (!ssoUrl) errors.add('ssoUrl', 'ssoUrl is required');
    else if (ssoUrl.length > SSO_RULES.urlMax || !secureUrl(ssoUrl)) errors.add('ssoUrl', 'ssoUrl must be an https URL (http only on loopback)');
    // The application parses the certificate (see the SSO providers use case); here it is only required.
    idpCertificate = text(pick('idpCertificate'));
    if (!idpCertificate) errors.add('idpCertificate', 'idpCertificate (PEM) is required');
  }
  if (errors.any) throw new ValidationFailed('invalid-sso-provider', errors.errors);
  return { displayName, protocol, issuer, allowedDomains, clientId, scopes, ssoUrl, idpCertificate, ...toggles };
}

function booleanOf(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

export function provider(state: SsoState, providerId: string): SsoProvider {
  const found = state.ssoProviders.get(providerId);
  if (!found) throw new DomainError('sso-provider-not-found', 'No such SSO provider');
  return found;
}

/** The email's domain is one the provider allows (no domains: any verified email). */
export function emailDomainAllowed(settings: Pick<SsoProviderSettings, 'allowedDomains'>, email: string): boolean {
  if (settings.allowedDomains.length === 0) return true;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return settings.allowedDomains.includes(domain);
}

export const settingsOf = (p: SsoProvider): SsoProviderSettings => {
  const { id: _id, clientSecretCiphertext: _secret, ...settings } = p;
  return settings;
};

// ---- Decide ------------------------------------------------------------------------

// ---- Evolve (in place, like the membership state; see evolveMembership) ---------------
export function evolveSso(state: SsoDraft, event: SsoEvent): void {
  switch (event.type) {
    case 'SsoProviderAdded':
      state.ssoProviders.set(event.data.providerId, { id: event.data.providerId, ...event.data.settings, clientSecretCiphertext: event.data.clientSecretCiphertext, version: 0 });
      return;
    case 'SsoProviderUpdated': {
      const existing = state.ssoProviders.get(event.data.providerId);
      if (!existing) return;
      state.ssoProviders.set(existing.id, {
        ...existing,
        ...event.data.settings,
        clientSecretCiphertext: event.data.secretReplaced ? event.data.clientSecretCiphertext : existing.clientSecretCiphertext,
        version: existing.version + 1,
      });
      return;
    }
    case 'SsoProviderRemoved': {
      state.ssoProviders.delete(event.data.providerId);
      const prefix = ssoIdentityKey(event.data.providerId, '');
      for (const key of [...state.ssoIdentities.keys()]) if (key.startsWith(prefix)) state.ssoIdentities.delete(key);
      return;
    }
    case 'SsoIdentityLinked':
      state.ssoIdentities.set(ssoIdentityKey(event.data.providerId, event.data.subject), event.data.userId);
      return;
    case 'SsoIdpInitiatedSignInReceived':
      return;
    default:
      assertNever(event);
  }
}
