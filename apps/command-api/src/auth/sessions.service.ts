import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SESSION_POLICY_BOUNDS, type SessionPolicy } from '#domain';
import type { AppConfig } from '#runtime';
import { sha256Hex } from '../shared/ids.js';
import { APP_CONFIG, SESSION_STORE } from '../shared/tokens.js';
import type { Session, SessionEndedReason, SessionStore } from '#side-stores';

const TOUCH_EVERY_MS = 60_000;

@Injectable()
export class SessionsService {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Super admins belong to no organization; their timeouts come from the environment. */
  get superAdminPolicy(): SessionPolicy {
    return { idleTimeoutMinutes: this.config.sessionIdleMinutes, absoluteTimeoutHours: this.config.sessionTtlHours };
  }

  /** Starts a session; the raw token is returned once and never stored. */
  async start(principal: Pick<Session, 'principalId' | 'principalKind' | 'organizationId'>, policy: SessionPolicy, now = new Date()) {
    const accessToken = randomBytes(32).toString('base64url');
    const createdAt = now.toISOString();
    await this.store.create({
      ...principal,
      tokenHash: sha256Hex(accessToken),
      createdAt,
      lastSeenAt: createdAt,
      // The store may drop it after the longest absolute timeout any policy allows.
      expiresAt: new Date(now.getTime() + SESSION_POLICY_BOUNDS.absoluteMax * 3_600_000).toISOString(),
    });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresAt: new Date(now.getTime() + policy.absoluteTimeoutHours * 3_600_000).toISOString(),
      idleTimeoutMinutes: policy.idleTimeoutMinutes,
    };
  }

  /** Records activity for the idle timeout, at most once a minute per session. */
  async touch(session: Session, now = Date.now()): Promise<void> {
    if (now - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) await this.store.touch(session.tokenHash, new Date(now).toISOString());
  }

  find(tokenHash: string): Promise<Session | null> {
    return this.store.find(tokenHash);
  }

  end(tokenHash: string): Promise<void> {
    return this.store.revoke(tokenHash);
  }

  endAllFor(principalId: string): Promise<number> {
    return this.store.revokeAllFor(principalId);
  }

  /** Marks a person's sessions ended (deactivation): each replica refuses them at once, saying why. */
  markEnded(principalId: string, reason: SessionEndedReason): Promise<number> {
    return this.store.endAllFor(principalId, reason);
  }

  /** Marks every member session of an organization ended (arrears). */
  markOrganizationEnded(organizationId: string, reason: SessionEndedReason): Promise<number> {
    return this.store.endAllForOrganization(organizationId, reason);
  }
}
