import type { SessionPolicy } from '../organizations/organization.js';

/** A session as the rule reads it: whose it is, when it began, when it was last used. */
export interface SessionFacts {
  session: { principalKind: string; createdAt: string; lastSeenAt: string };
  /** The account as the read models have it now; null when it no longer exists. */
  account: { kind: string; status: string; sessionsValidAfter?: string | null } | null;
  /** A member's organization as the read models have it now; null when it no longer exists. */
  organization?: { inArrearsAt: string | null; deletionRequestedAt?: string | null; sessionsValidAfter?: string | null; sessionPolicy: SessionPolicy } | null;
  /** Super admins and platform auditors belong to no organization: their timeouts come from the environment. */
  platformPolicy: SessionPolicy;
  now: number;
}

export type SessionVerdict =
  | { valid: true; policy: SessionPolicy }
  /** `revoke`: the session is deleted, so the token never works again. */
  | { valid: false; reason: 'ended' | 'deactivated' | 'suspended' | 'being-deleted' | 'timed-out'; revoke: boolean };

/** Within the policy's idle and absolute timeouts, as the policy is now. */
export function withinTimeouts(session: SessionFacts['session'], policy: SessionPolicy, now: number): boolean {
  return Date.parse(session.createdAt) + policy.absoluteTimeoutHours * 3_600_000 > now && Date.parse(session.lastSeenAt) + policy.idleTimeoutMinutes * 60_000 > now;
}

/**
 * Whether a session still works, judged on every request against the account and the
 * organization as they are now, not on what a token once claimed: deactivation, "end
 * all sessions", arrears and timeout policies take effect on the very next request.
 */
export function judgeSession(facts: SessionFacts): SessionVerdict {
  const { session, account } = facts;
  const ended = { valid: false, reason: 'ended', revoke: true } as const;
  if (!account || account.kind !== session.principalKind) return ended;
  // Not revoked: the same token keeps getting the same truthful answer, and deactivation
  // set sessionsValidAfter, so the token stays dead after a reactivation.
  if (account.status === 'deactivated') return { valid: false, reason: 'deactivated', revoke: false };
  if (account.status !== 'active') return ended;
  if (account.sessionsValidAfter && session.createdAt < account.sessionsValidAfter) return ended;
  let policy = facts.platformPolicy;
  if (account.kind === 'member') {
    const organization = facts.organization;
    if (!organization) return ended;
    // Arrears block every member (guide: Payment Management), and their sessions end for good.
    if (organization.inArrearsAt) return { valid: false, reason: 'suspended', revoke: true };
    // So does a deletion waiting for its purge (issue 16); a restore lets members sign in again.
    if (organization.deletionRequestedAt) return { valid: false, reason: 'being-deleted', revoke: true };
    if (organization.sessionsValidAfter && session.createdAt < organization.sessionsValidAfter) return ended;
    policy = organization.sessionPolicy;
  }
  if (!withinTimeouts(session, policy, facts.now)) return { valid: false, reason: 'timed-out', revoke: true };
  return { valid: true, policy };
}
