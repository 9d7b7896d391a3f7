import { describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SqliteReadStore } from '../sqlite/sqlite-read-store.js';
import { auditLogContract } from '../testing/audit-log.contract.js';
import { auditEntryOf, summarize } from './audit-entry.js';
import { auditProjection, ReadStoreAuditLog } from './audit.projection.js';
import { SqliteAuditLog } from './sqlite-audit-log.js';

auditLogContract('SQLite (embedded)', async () => {
  const log = new SqliteAuditLog(':memory:');
  return { log, feed: async (events) => log.handle(events), close: () => log.close() };
});

auditLogContract('read store collection on SQLite', async () => {
  const store = new SqliteReadStore(':memory:');
  for (const index of auditProjection.collections[0].indexes) await store.collection(auditProjection.collections[0].name).createIndex(index);
  return {
    log: new ReadStoreAuditLog(store),
    feed: (events) => store.applyBatch(events.filter((e) => auditProjection.canHandle(e)).flatMap((e) => auditProjection.project(e))),
    close: () => store.close(),
  };
});

describe('Audit summaries', () => {
  const base = { id: randomUUID(), streamName: 'organization-x', revision: 1, position: 1, recordedAt: '2026-03-01T00:00:00.000Z' };
  test('name the person by the label the read models know, and list what changed', () => {
    const userId = randomUUID();
    const entry = auditEntryOf({
      ...base,
      type: 'UserEdited',
      data: { organizationId: 'o', userId, changes: { firstName: { before: 'Bob', after: 'Robert' }, roles: { before: ['instructor'], after: ['admin', 'instructor'] } } },
      metadata: { actorId: 'a', organizationId: 'o', occurredAt: base.recordedAt },
    })!;
    expect(summarize(entry, (kind, id) => (kind === 'user' && id === userId ? 'Robert B <bob@a.test>' : undefined))).toBe(
      'Edited Robert B <bob@a.test>: firstName Bob → Robert; roles instructor → admin, instructor',
    );
  });

  test('say what data was accessed', () => {
    const entry = auditEntryOf({ ...base, type: 'DataAccessed', data: { organizationId: 'o', what: 'member-list-export', detail: { rows: 42 } }, metadata: { actorId: 'a', organizationId: 'o' } })!;
    expect(summarize(entry)).toBe('Exported the member list (42 rows)');
  });
});
