import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '#event-store';
import { REDACTED } from '../audit/audit-entry.js';
import type { AuditLog } from '../audit/audit-log.port.js';

export interface AuditLogUnderTest {
  log: AuditLog;
  /** Delivers events in log order, the way the adapter is fed in production. */
  feed(events: RecordedEvent[]): Promise<void>;
  close(): Promise<void>;
}

const orgA = randomUUID();
const orgB = randomUUID();
const alice = randomUUID();
const bob = randomUUID();

function event(position: number, type: string, data: Record<string, unknown>, meta: Record<string, unknown>): RecordedEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { schemaVersion: 1, actorKind: 'member', actorRoles: ['admin'], correlationId: randomUUID(), causationId: randomUUID(), ...meta },
    streamName: `organization-${String(data.organizationId)}`,
    revision: position,
    position,
    recordedAt: String(meta.occurredAt),
  };
}

/** A small history across two organizations, one event a day from 1 March 2026. */
function history(): RecordedEvent[] {
  const day = (n: number) => `2026-03-${String(n).padStart(2, '0')}T09:00:00.000Z`;
  return [
    event(1, 'OrganizationCreated', { organizationId: orgA, name: 'School A', description: null, timeZone: 'UTC', createdAt: day(1) }, { actorId: 'root', actorKind: 'superAdmin', organizationId: orgA, occurredAt: day(1) }),
    event(2, 'UserInvited', { organizationId: orgA, userId: alice, email: 'alice@a.test', firstName: 'Alice', lastName: 'A', roles: ['admin'], setupTokenHash: 'h', setupTokenCiphertext: 'c', setupExpiresAt: day(9) }, { actorId: 'root', organizationId: orgA, occurredAt: day(2) }),
    event(3, 'EmailReserved', { email: 'bob@a.test', ownerId: bob, organizationId: orgA, reservedAt: day(3) }, { actorId: alice, organizationId: orgA, occurredAt: day(3) }),
    event(4, 'UserInvited', { organizationId: orgA, userId: bob, email: 'bob@a.test', firstName: 'Bob', lastName: 'B', roles: ['instructor'], setupTokenHash: 'h', setupTokenCiphertext: 'c', setupExpiresAt: day(9) }, { actorId: alice, organizationId: orgA, occurredAt: day(4) }),
    event(5, 'UserEdited', { organizationId: orgA, userId: bob, changes: { roles: { before: ['instructor'], after: ['admin', 'instructor'] } }, profile: { firstName: 'Bob', lastName: 'B', roles: ['admin', 'instructor'] } }, { actorId: alice, organizationId: orgA, occurredAt: day(5) }),
    event(6, 'OrganizationCreated', { organizationId: orgB, name: 'School B', description: null, timeZone: 'UTC', createdAt: day(6) }, { actorId: 'root', actorKind: 'superAdmin', organizationId: orgB, occurredAt: day(6) }),
    event(7, 'UserSetupCompleted', { organizationId: orgA, userId: bob, passwordHash: '$argon2id$secret' }, { actorId: bob, organizationId: orgA, occurredAt: day(7) }),
  ];
}

/**
 * What every audit log adapter answers: entries of one organization, newest first,
 * filtered by actor, target, type and time, paged with a total. Runs on SQLite and on
 * the read-store collection (SQLite) in `npm test`, and on MongoDB with MONGODB_URI.
 */
export function auditLogContract(name: string, factory: () => Promise<AuditLogUnderTest>): void {
  describe(`AuditLog contract: ${name}`, () => {
    let under: AuditLogUnderTest;
    let fed: RecordedEvent[];
    beforeEach(async () => {
      under = await factory();
      fed = history();
      await under.feed(fed);
    });
    afterEach(async () => under.close());

    test("lists one organization's entries newest first, and not its bookkeeping events", async () => {
      const page = await under.log.page({ organizationId: orgA, page: 1, pageSize: 10 });
      expect(page.total).toBe(5);
      expect(page.items.map((e) => e.position)).toEqual([7, 5, 4, 2, 1]);
      expect(page.items.some((e) => e.type === 'EmailReserved')).toBe(false);
    });

    test('filters by actor, target, type and time range', async () => {
      const byActor = await under.log.page({ organizationId: orgA, actorId: alice, page: 1, pageSize: 10 });
      expect(byActor.items.map((e) => e.position)).toEqual([5, 4]);
      const byTarget = await under.log.page({ organizationId: orgA, targetId: bob, page: 1, pageSize: 10 });
      expect(byTarget.items.map((e) => e.position)).toEqual([7, 5, 4]);
      const byType = await under.log.page({ organizationId: orgA, types: ['UserEdited', 'OrganizationCreated'], page: 1, pageSize: 10 });
      expect(byType.items.map((e) => e.position)).toEqual([5, 1]);
      const byTime = await under.log.page({ organizationId: orgA, from: '2026-03-02T00:00:00.000Z', to: '2026-03-05T09:00:00.000Z', page: 1, pageSize: 10 });
      expect(byTime.items.map((e) => e.position)).toEqual([5, 4, 2]);
    });

    test('pages with a total', async () => {
      const second = await under.log.page({ organizationId: orgA, page: 2, pageSize: 2 });
      expect(second).toMatchObject({ total: 5 });
      expect(second.items.map((e) => e.position)).toEqual([4, 2]);
    });

    test('an edit carries each changed field before and after, and no entry carries a password hash', async () => {
      const [edit] = (await under.log.page({ organizationId: orgA, types: ['UserEdited'], page: 1, pageSize: 10 })).items;
      expect(edit.changes).toEqual([{ field: 'roles', before: ['instructor'], after: ['admin', 'instructor'] }]);
      expect(edit.actor.id).toBe(alice);
      expect(edit.target).toEqual({ kind: 'user', id: bob });
      const [setup] = (await under.log.page({ organizationId: orgA, types: ['UserSetupCompleted'], page: 1, pageSize: 10 })).items;
      expect(setup.details.passwordHash).toBe(REDACTED);
      expect(JSON.stringify(await under.log.page({ organizationId: orgA, page: 1, pageSize: 100 }))).not.toContain('argon2id');
    });

    test('an event delivered again is entered once', async () => {
      await under.feed(fed.slice(3, 5));
      expect((await under.log.page({ organizationId: orgA, page: 1, pageSize: 10 })).total).toBe(5);
    });
  });
}
