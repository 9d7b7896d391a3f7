import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Session, SessionStore } from '../session-store.js';

const session = (overrides: Partial<Session> = {}): Session => ({
  tokenHash: randomUUID(),
  principalId: 'user-1',
  principalKind: 'member',
  organizationId: 'org-1',
  createdAt: '2026-11-30T10:00:00.000Z',
  lastSeenAt: '2026-11-30T10:00:00.000Z',
  // Far off: create() sweeps sessions already expired, and a fixed near date would fail this suite once passed.
  expiresAt: '2099-12-30T10:00:00.000Z',
  ...overrides,
});

/** What every SessionStore must do: on SQLite in `npm test`, on MongoDB in `npm run test:integration`. */
export function sessionStoreContract(name: string, open: () => Promise<SessionStore>) {
  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    test('finds a session by its token hash, as it was created', async () => {
      const created = session();
      await store.create(created);
      expect(await store.find(created.tokenHash)).toEqual(created);
      expect(await store.find('no-such-hash')).toBeNull();
    });

    test('touch moves the last request time and nothing else', async () => {
      const created = session();
      await store.create(created);
      await store.touch(created.tokenHash, '2026-11-30T10:05:00.000Z');
      expect(await store.find(created.tokenHash)).toEqual({ ...created, lastSeenAt: '2026-11-30T10:05:00.000Z' });
    });

    test('revoke ends one session; revokeAllFor ends every session of one person and counts them', async () => {
      const [a, b, other] = [session(), session(), session({ principalId: 'user-2' })];
      for (const s of [a, b, other]) await store.create(s);
      await store.revoke(a.tokenHash);
      expect(await store.find(a.tokenHash)).toBeNull();
      expect(await store.find(b.tokenHash)).not.toBeNull();
      await store.create(session({ tokenHash: a.tokenHash }));
      expect(await store.revokeAllFor('user-1')).toBe(2);
      expect(await store.find(b.tokenHash)).toBeNull();
      expect(await store.find(other.tokenHash)).toEqual(other);
    });

    test('listFor answers every session of one person, oldest first, and no one else\'s', async () => {
      const later = session({ createdAt: '2026-11-24T10:00:00.000Z' });
      const earlier = session({ createdAt: '2026-11-23T10:00:00.000Z' });
      const other = session({ principalId: 'someone-else' });
      for (const s of [later, other, earlier]) await store.create(s);
      expect(await store.listFor('user-1')).toEqual([earlier, later]);
      expect(await store.listFor('nobody')).toEqual([]);
    });

    test('endAllFor and endAllForOrganization mark sessions ended with a reason, members of one organization only', async () => {
      const members = [session({ principalId: 'm1' }), session({ principalId: 'm2' }), session({ principalId: 'm2' })];
      const elsewhere = session({ principalId: 'm3', organizationId: 'org-2' });
      const superAdmin = session({ principalId: 'sa', principalKind: 'superAdmin', organizationId: null });
      for (const s of [...members, elsewhere, superAdmin]) await store.create(s);
      expect(await store.endAllFor('m1', 'deactivated')).toBe(1);
      expect(await store.find(members[0].tokenHash)).toEqual({ ...members[0], endedReason: 'deactivated' });
      expect(await store.find(members[1].tokenHash)).toEqual(members[1]);
      expect(await store.endAllForOrganization('org-1', 'suspended')).toBe(3);
      for (const s of members) expect((await store.find(s.tokenHash))?.endedReason).toBe('suspended');
      expect(await store.find(elsewhere.tokenHash)).toEqual(elsewhere);
      expect(await store.find(superAdmin.tokenHash)).toEqual(superAdmin);
    });
  });
}
