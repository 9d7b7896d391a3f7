import { describe, expect, test } from '@jest/globals';
import { judgeSession, type SessionFacts } from './sessions.js';

const now = Date.parse('2026-11-30T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();
const policy = { idleTimeoutMinutes: 60, absoluteTimeoutHours: 12 };
const member = (overrides: Partial<SessionFacts> = {}): SessionFacts => ({
  session: { principalKind: 'member', createdAt: minutesAgo(30), lastSeenAt: minutesAgo(5) },
  account: { kind: 'member', status: 'active', sessionsValidAfter: null },
  organization: { inArrearsAt: null, sessionsValidAfter: null, sessionPolicy: policy },
  platformPolicy: { idleTimeoutMinutes: 15, absoluteTimeoutHours: 1 },
  now,
  ...overrides,
});

describe('Whether a session still works', () => {
  test("a member's session within the organization's timeouts works, under that policy", () => {
    expect(judgeSession(member())).toEqual({ valid: true, policy });
  });

  test("the organization's arrears suspend every member and end the session for good", () => {
    expect(judgeSession(member({ organization: { inArrearsAt: minutesAgo(1), sessionPolicy: policy } }))).toEqual({ valid: false, reason: 'suspended', revoke: true });
  });

  test('a deactivated account is told so, and the session is kept to tell it again', () => {
    expect(judgeSession(member({ account: { kind: 'member', status: 'deactivated' } }))).toEqual({ valid: false, reason: 'deactivated', revoke: false });
  });

  test('"end all sessions" (account or organization) ends the sessions begun before it', () => {
    expect(judgeSession(member({ account: { kind: 'member', status: 'active', sessionsValidAfter: minutesAgo(10) } }))).toMatchObject({ valid: false, reason: 'ended' });
    expect(judgeSession(member({ organization: { inArrearsAt: null, sessionsValidAfter: minutesAgo(10), sessionPolicy: policy } }))).toMatchObject({ valid: false, reason: 'ended' });
  });

  test('idle and absolute timeouts; super admins go by the platform policy', () => {
    expect(judgeSession(member({ session: { principalKind: 'member', createdAt: minutesAgo(30), lastSeenAt: minutesAgo(61) } }))).toMatchObject({ reason: 'timed-out' });
    expect(judgeSession(member({ session: { principalKind: 'member', createdAt: minutesAgo(12 * 60 + 1), lastSeenAt: minutesAgo(1) } }))).toMatchObject({ reason: 'timed-out' });
    const admin = member({ session: { principalKind: 'superAdmin', createdAt: minutesAgo(30), lastSeenAt: minutesAgo(20) }, account: { kind: 'superAdmin', status: 'active' }, organization: undefined });
    expect(judgeSession(admin)).toEqual({ valid: false, reason: 'timed-out', revoke: true });
  });

  test('a session of an account that is gone, or of another kind, has ended', () => {
    expect(judgeSession(member({ account: null }))).toMatchObject({ reason: 'ended' });
    expect(judgeSession(member({ account: { kind: 'platformAuditor', status: 'active' } }))).toMatchObject({ reason: 'ended' });
    expect(judgeSession(member({ organization: null }))).toMatchObject({ reason: 'ended' });
  });
});
