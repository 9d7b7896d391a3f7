import { describe, expect, test } from '@jest/globals';
import type { OrganizationEvent } from '../organizations/organization.js';
import { created, org, spec } from '../testing/school.js';
import { parseXapiKey, xapiKeyOf, XAPI_CREDENTIALS_MAX } from './credentials.js';

/** xAPI credentials (issue 19): issued and revoked by admins, in the organization's stream. */
const HASH = 'a'.repeat(64);
const issued = (credentialId: string, name: string): OrganizationEvent => ({ type: 'XapiCredentialIssued', data: { organizationId: org, credentialId, name, secretHash: HASH, issuedAt: '2026-12-01T00:00:00.000Z' } });
const issue = (credentialId: string, name: string) => ({ type: 'IssueXapiCredential' as const, data: { credentialId, name, secretHash: HASH, now: '2026-12-01T00:00:00.000Z' } });

describe('xAPI credentials', () => {
  test('issued with a name (unique among active ones) and the hash of a secret; at most 20 active', () => {
    spec([created]).when(issue('c1', ' Course player ')).then([issued('c1', 'Course player')]);
    spec([created, issued('c1', 'Course player')]).when(issue('c2', 'course PLAYER')).thenFails('xapi-credential-exists', { kind: 'conflict' });
    spec([created]).when(issue('c1', ' ')).thenFails('invalid-xapi-credential', { fields: ['name'] });
    const full = [created, ...Array.from({ length: XAPI_CREDENTIALS_MAX }, (_, i) => issued(`c${i}`, `player ${i}`))];
    spec(full).when(issue('c99', 'one more')).thenFails('xapi-credentials-limit', { details: { max: 20 } });
  });

  test('revoked once; a revoked name may be issued again; an unknown credential is 404', () => {
    const revoked: OrganizationEvent = { type: 'XapiCredentialRevoked', data: { organizationId: org, credentialId: 'c1', name: 'Course player', revokedAt: '2026-12-02T00:00:00.000Z' } };
    spec([created, issued('c1', 'Course player')]).when({ type: 'RevokeXapiCredential', data: { credentialId: 'c1', now: '2026-12-02T00:00:00.000Z' } }).then([revoked]);
    spec([created, issued('c1', 'Course player'), revoked]).when({ type: 'RevokeXapiCredential', data: { credentialId: 'c1', now: '2026-12-03T00:00:00.000Z' } }).thenNothingHappens();
    spec([created, issued('c1', 'Course player'), revoked]).when(issue('c2', 'Course player')).then([issued('c2', 'Course player')]);
    spec([created]).when({ type: 'RevokeXapiCredential', data: { credentialId: 'nope', now: '2026-12-02T00:00:00.000Z' } }).thenFails('xapi-credential-not-found', { kind: 'not-found' });
  });

  test('a key names the organization and the credential; anything else is not a key', () => {
    const o = '0b5c7a2e-7a8d-4c1b-9f3e-2d6a1c4b5e70';
    const c = '5f0e9d8c-1b2a-4c3d-8e7f-6a5b4c3d2e1f';
    expect(parseXapiKey(xapiKeyOf(o, c))).toEqual({ organizationId: o, credentialId: c });
    expect([parseXapiKey('nope'), parseXapiKey(`${o}:${c}`), parseXapiKey(`${o}.${c}.x`)]).toEqual([null, null, null]);
  });
});
