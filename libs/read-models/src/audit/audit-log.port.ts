import type { AuditEntry } from './audit-entry.js';

/** What the audit log can be asked: one organization's entries (or the platform's), filtered, newest first. */
export interface AuditQuery {
  /** null: entries that belong to no organization (platform events). */
  organizationId: string | null;
  actorId?: string;
  targetId?: string;
  types?: string[];
  /** ISO times, inclusive, compared with the event's occurredAt. */
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/**
 * The audit log read model. Two adapters: SQLite beside the event log in the embedded
 * default (an audit log outgrows memory long before the other read models do), and a
 * MongoDB-shaped collection fed by the projector for many machines. One contract
 * suite (testing/audit-log.contract.ts) holds both to the same answers.
 */
export interface AuditLog {
  page(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }>;
}
