import { eventTypes, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { lengthOf } from '../shared/validation.js';

/**
 * The keys learning content reports progress with (xAPI, issue 19): organization-scoped
 * credentials, a key and a secret over HTTP Basic, issued and revoked by admins. The key
 * names the organization and the credential (`<organizationId>.<credentialId>`), so a
 * request is checked against the organization's own stream, never a lagging projection.
 * The secret is 256 random bits shown once; the stream keeps its SHA-256 (a secret that
 * random needs no slow hash: there is nothing to guess).
 */
export const XAPI_CREDENTIALS_MAX = 20;
export const XAPI_CREDENTIAL_NAME_MAX = 100;

export interface XapiCredential {
  id: string;
  name: string;
  secretHash: string;
  issuedAt: string;
  revokedAt: string | null;
}

export const xapiKeyOf = (organizationId: string, credentialId: string): string => `${organizationId}.${credentialId}`;

/** The organization and credential a key names, or null for a key of another shape. */
export function parseXapiKey(key: string): { organizationId: string; credentialId: string } | null {
  const match = /^([0-9a-f-]{36})\.([0-9a-f-]{36})$/i.exec(key);
  return match ? { organizationId: match[1].toLowerCase(), credentialId: match[2].toLowerCase() } : null;
}

export type XapiCredentialCommand =
  | { type: 'IssueXapiCredential'; data: { credentialId: string; name: string; secretHash: string; now: string } }
  | { type: 'RevokeXapiCredential'; data: { credentialId: string; now: string } };

type WithOrg<T> = T & { organizationId: string };
export type XapiCredentialEvent =
  | DomainEvent<'XapiCredentialIssued', WithOrg<{ credentialId: string; name: string; secretHash: string; issuedAt: string }>>
  | DomainEvent<'XapiCredentialRevoked', WithOrg<{ credentialId: string; name: string; revokedAt: string }>>;

export const XAPI_CREDENTIAL_EVENT_TYPES = eventTypes<XapiCredentialEvent>({ XapiCredentialIssued: true, XapiCredentialRevoked: true });

interface CredentialsState {
  id: string;
  xapiCredentials: Readonly<Record<string, XapiCredential>>;
}

const active = (state: CredentialsState) => Object.values(state.xapiCredentials).filter((c) => c.revokedAt === null);

export function issueXapiCredential(command: Extract<XapiCredentialCommand, { type: 'IssueXapiCredential' }>, state: CredentialsState): XapiCredentialEvent[] {
  const { credentialId, secretHash, now } = command.data;
  if (state.xapiCredentials[credentialId]) throw new DomainError('xapi-credential-exists', 'A credential with this id already exists');
  const name = typeof command.data.name === 'string' ? command.data.name.trim() : '';
  if (!name || lengthOf(name) > XAPI_CREDENTIAL_NAME_MAX) throw new ValidationFailed('invalid-xapi-credential', [{ field: 'name', message: `name is required, at most ${XAPI_CREDENTIAL_NAME_MAX} characters` }]);
  if (active(state).some((c) => c.name.toLowerCase() === name.toLowerCase()))
    throw new DomainError('xapi-credential-exists', `A credential named "${name}" is in use; revoke it or choose another name`, { errors: [{ field: 'name', message: 'another active credential has this name' }] });
  if (active(state).length >= XAPI_CREDENTIALS_MAX) throw new DomainError('xapi-credentials-limit', `An organization has at most ${XAPI_CREDENTIALS_MAX} active credentials; revoke one first`, { max: XAPI_CREDENTIALS_MAX });
  if (!/^[0-9a-f]{64}$/.test(secretHash)) throw new Error('secretHash must be a SHA-256 in hex');
  return [{ type: 'XapiCredentialIssued', data: { organizationId: state.id, credentialId, name, secretHash, issuedAt: now } }];
}

export function revokeXapiCredential(command: Extract<XapiCredentialCommand, { type: 'RevokeXapiCredential' }>, state: CredentialsState): XapiCredentialEvent[] {
  const found = state.xapiCredentials[command.data.credentialId];
  if (!found) throw new DomainError('xapi-credential-not-found', 'No such xAPI credential in this organization');
  if (found.revokedAt !== null) return [];
  return [{ type: 'XapiCredentialRevoked', data: { organizationId: state.id, credentialId: found.id, name: found.name, revokedAt: command.data.now } }];
}

/** The credentials after an event (a fold step). */
export function evolveXapiCredentials(credentials: Readonly<Record<string, XapiCredential>>, event: XapiCredentialEvent): Readonly<Record<string, XapiCredential>> {
  if (event.type === 'XapiCredentialIssued') {
    const { credentialId, name, secretHash, issuedAt } = event.data;
    return { ...credentials, [credentialId]: { id: credentialId, name, secretHash, issuedAt, revokedAt: null } };
  }
  const found = credentials[event.data.credentialId];
  return found ? { ...credentials, [found.id]: { ...found, revokedAt: event.data.revokedAt } } : credentials;
}
