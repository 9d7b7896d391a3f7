import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';
import { sha256Hex } from '../shared/ids.js';
import { APP_CONFIG, SESSION_STORE } from '../shared/tokens.js';
import type { Session, SessionStore } from './session-store.js';

@Injectable()
export class SessionsService {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts a session; the raw token is returned once and never stored. */
  async start(principal: Pick<Session, 'principalId' | 'principalKind' | 'organizationId'>, now = new Date()) {
    const accessToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlHours * 3_600_000).toISOString();
    await this.store.create({ ...principal, tokenHash: sha256Hex(accessToken), createdAt: now.toISOString(), expiresAt });
    return { accessToken, tokenType: 'Bearer', expiresAt };
  }

  end(tokenHash: string): Promise<void> {
    return this.store.revoke(tokenHash);
  }
}
