import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseXapiKey } from '#domain';
import { ProblemException } from '../shared/problem.js';
import { StreamCache } from '../shared/write/stream-cache.js';
import { organizationStream } from '../shared/write/stream-command.js';
import { BEING_DELETED_MESSAGE, SUSPENDED_MESSAGE } from './messages.js';

/** The learning content sending statements: which organization, by which credential. */
export interface XapiClient {
  organizationId: string;
  credentialId: string;
  credentialName: string;
  key: string;
}

/**
 * xAPI: every request names the version of the specification it speaks. This LRS
 * speaks 1.0.x (1.0.3, and the 1.0 versions it is compatible with).
 */
export function requireXapiVersion(header: unknown): void {
  if (typeof header !== 'string' || !/^1\.0(\.\d+)?$/.test(header.trim()))
    throw new ProblemException('xapi-version-required', 'Send the X-Experience-API-Version header with a 1.0 version (1.0.3)', { supported: ['1.0.3'] });
}

const refused = (detail: string) => new ProblemException('xapi-unauthenticated', detail, {}, { 'WWW-Authenticate': 'Basic realm="xAPI", charset="UTF-8"' });

/**
 * HTTP Basic for the xAPI routes: the username is the key (`<organization>.<credential>`),
 * the password the secret. Checked on the organization's own stream, never a lagging
 * projection: a credential works the moment it is issued and stops the moment it is
 * revoked, and so does an organization's suspension (arrears, a pending deletion).
 * Every refusal of a key or secret says the same, so a guesser learns nothing.
 */
@Injectable()
export class XapiClients {
  constructor(private readonly streams: StreamCache) {}

  async authenticate(header: unknown): Promise<XapiClient> {
    const match = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/i.exec(header) : null;
    if (!match) throw refused('Send the xAPI key and secret over HTTP Basic');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const parsed = colon > 0 ? parseXapiKey(decoded.slice(0, colon)) : null;
    if (!parsed) throw refused('The xAPI key or secret is not valid');
    const { state } = await this.streams.current(organizationStream(parsed.organizationId));
    if (state.status !== 'existing') throw refused('The xAPI key or secret is not valid');
    const credential = state.xapiCredentials[parsed.credentialId];
    const hash = createHash('sha256').update(decoded.slice(colon + 1)).digest();
    if (!credential || credential.revokedAt !== null || !timingSafeEqual(hash, Buffer.from(credential.secretHash, 'hex'))) throw refused('The xAPI key or secret is not valid');
    // The guide's words, as its members get them: content of a suspended organization stops reporting too.
    if (state.deletion) throw new ProblemException('organization-being-deleted', BEING_DELETED_MESSAGE);
    if (state.inArrearsAt) throw new ProblemException('organization-suspended', SUSPENDED_MESSAGE);
    return { organizationId: state.id, credentialId: credential.id, credentialName: credential.name, key: decoded.slice(0, colon) };
  }
}
