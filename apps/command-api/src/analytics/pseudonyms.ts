import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { decideAccess, type Principal } from '#domain';
import type { SecretBox } from '#runtime';
import { SECRET_BOX } from '../shared/tokens.js';

/**
 * Stable pseudonymous ids for analysts (issue 19): an analyst who may not list the
 * organization's members reads every report with each member as `p_<22 characters>`,
 * the same in every report, export and feed, in every process, and never the same for two
 * organizations. HMAC-SHA256 under a key derived from the service's secrets key, so the
 * id cannot be turned back into the member without that key.
 */
@Injectable()
export class Pseudonyms {
  private readonly key: Buffer;

  constructor(@Inject(SECRET_BOX) box: SecretBox) {
    this.key = box.derive('analytics-pseudonyms/v1');
  }

  of(organizationId: string, userId: string): string {
    return `p_${createHmac('sha256', this.key).update(`${organizationId}:${userId}`).digest('base64url').slice(0, 22)}`;
  }

  /** Whether the caller sees members as themselves: whoever may list the organization's members (guide: admins; auditors). */
  seesMembers(principal: Principal, organizationId: string): boolean {
    return decideAccess(principal, 'user:list', organizationId) === 'allow';
  }

  /** A function that shows a member id as this caller may see it. */
  forCaller(principal: Principal, organizationId: string): (userId: string) => string {
    return this.seesMembers(principal, organizationId) ? (userId) => userId : (userId) => this.of(organizationId, userId);
  }
}
