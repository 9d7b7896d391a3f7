import type { RecordedEvent } from '#event-store';
import type { ReadStore } from '../read-store.port.js';
import { POSITION_FIELD, type Projection } from '../projector/projection.js';
import { auditEntryOf, type AuditEntry } from './audit-entry.js';
import type { AuditLog, AuditQuery } from './audit-log.port.js';

export const AUDIT = 'audit_v1';

type AuditDocument = { _id: string; actorId: string; targetId: string; [POSITION_FIELD]: number } & Omit<AuditEntry, 'id'>;

/**
 * The audit log as a MongoDB-shaped collection, for many machines: the projector
 * writes it like any other read model (the checkpoint in the same transaction). The
 * embedded default keeps it in SQLite instead (sqlite-audit-log.ts).
 */
export const auditProjection: Projection = {
  name: 'audit',
  version: 1,
  collections: [
    {
      name: AUDIT,
      indexes: [{ keys: { organizationId: 1, position: -1 } }, { keys: { actorId: 1 } }, { keys: { targetId: 1 } }],
    },
  ],
  // Personal values stay sealed in the entries; the audit log opens them when it answers.
  readsSealed: true,
  canHandle: (event: RecordedEvent) => auditEntryOf(event) !== null,
  project(event) {
    const entry = auditEntryOf(event)!;
    const { id, ...rest } = entry;
    const document: AuditDocument = { _id: id, ...rest, actorId: entry.actor.id, targetId: entry.target.id, [POSITION_FIELD]: event.position };
    // An insert keyed by the event id: delivered twice, it is written once.
    return [{ collection: AUDIT, updateOne: { filter: { _id: id }, update: { $setOnInsert: document }, upsert: true } }];
  },
};

export class ReadStoreAuditLog implements AuditLog {
  constructor(private readonly store: ReadStore) {}

  async page(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const filter: Record<string, unknown> = { organizationId: query.organizationId };
    if (query.actorId) filter.actorId = query.actorId;
    if (query.targetId) filter.targetId = query.targetId;
    if (query.types?.length) filter.type = { $in: query.types };
    if (query.from || query.to) filter.occurredAt = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
    const { items, total } = await this.store.collection<AuditDocument>(AUDIT).findPage(filter, {
      sort: { position: -1 },
      skip: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    });
    return {
      items: items.map(({ _id, actorId: _a, targetId: _t, [POSITION_FIELD]: _p, ...rest }) => ({ id: _id, ...rest }) as AuditEntry),
      total,
    };
  }
}
