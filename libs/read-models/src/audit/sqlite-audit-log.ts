import type Database from 'better-sqlite3';
import { openSideDatabase, type LogHandler, type RecordedEvent } from '#event-store';
import { auditEntryOf, type AuditEntry } from './audit-entry.js';
import type { AuditLog, AuditQuery } from './audit-log.port.js';

/** Events per transaction while catching up: small enough that requests are served between batches. */
export const AUDIT_MAX_BATCH = 1_000;

/**
 * The embedded default's audit log: a SQLite file beside the event log
 * (`$DATA_DIR/audit.db`). It is kept on disk, not in memory like the other embedded
 * read models, because it grows with every event ever written; on disk it needs no
 * rebuild at boot either, only the tail since its checkpoint.
 *
 * A log processor runs it as a handler. Each batch's entries and the new checkpoint are
 * written in one transaction, and an entry's key is its log position, so an event seen
 * twice is written once.
 */
export class SqliteAuditLog implements AuditLog, LogHandler {
  readonly name = 'audit log';
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly writeBatch: (events: RecordedEvent[]) => void;
  private current = 0;

  constructor(filename: string) {
    // WAL with synchronous=NORMAL: a lost tail after a power cut is rebuilt from the log, which stays FULL.
    this.db = openSideDatabase(filename);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS audit_entries (
        position        INTEGER PRIMARY KEY,
        organization_id TEXT,
        type            TEXT NOT NULL,
        actor_id        TEXT NOT NULL,
        target_id       TEXT NOT NULL,
        occurred_at     TEXT NOT NULL,
        entry           TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_by_org ON audit_entries (organization_id, position);
      CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_entries (organization_id, actor_id, position);
      CREATE INDEX IF NOT EXISTS audit_by_target ON audit_entries (organization_id, target_id, position);
      CREATE INDEX IF NOT EXISTS audit_by_time ON audit_entries (organization_id, occurred_at);
      CREATE TABLE IF NOT EXISTS audit_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL);
    `);
    this.stmts = {
      insert: this.db.prepare(
        'INSERT OR IGNORE INTO audit_entries (position, organization_id, type, actor_id, target_id, occurred_at, entry) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      checkpoint: this.db.prepare<[], { position: number }>('SELECT position FROM audit_checkpoint WHERE id = 1'),
      advance: this.db.prepare('INSERT INTO audit_checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = MAX(position, excluded.position)'),
    };
    this.current = this.stmts.checkpoint.get()?.position ?? 0;
    this.writeBatch = this.db.transaction((events: RecordedEvent[]) => {
      for (const event of events) {
        if (event.position <= this.current) continue;
        const entry = auditEntryOf(event);
        if (entry) this.stmts.insert.run(entry.position, entry.organizationId, entry.type, entry.actor.id, entry.target.id, entry.occurredAt, JSON.stringify(entry));
      }
      this.stmts.advance.run(events[events.length - 1].position);
    });
  }

  /** Writes a batch's entries and the new checkpoint as one transaction (LogHandler). */
  async handle(events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.writeBatch(events);
    this.current = Math.max(this.current, events[events.length - 1].position);
  }

  /** Read from the file: another process (the one holding the processors' lease) may have moved it. */
  async checkpoint(): Promise<number> {
    this.current = Math.max(this.current, this.stmts.checkpoint.get()?.position ?? 0);
    return this.current;
  }

  async page(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const where: string[] = [query.organizationId === null ? 'organization_id IS NULL' : 'organization_id = @organizationId'];
    const params: Record<string, unknown> = query.organizationId === null ? {} : { organizationId: query.organizationId };
    if (query.actorId) (where.push('actor_id = @actorId'), (params.actorId = query.actorId));
    if (query.targetId) (where.push('target_id = @targetId'), (params.targetId = query.targetId));
    if (query.types?.length) {
      where.push(`type IN (${query.types.map((_, i) => `@type${i}`).join(', ')})`);
      query.types.forEach((t, i) => (params[`type${i}`] = t));
    }
    if (query.from) (where.push('occurred_at >= @from'), (params.from = query.from));
    if (query.to) (where.push('occurred_at <= @to'), (params.to = query.to));
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM audit_entries WHERE ${clause}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT entry FROM audit_entries WHERE ${clause} ORDER BY position DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: query.pageSize, offset: (query.page - 1) * query.pageSize }) as { entry: string }[];
    return { items: rows.map((r) => JSON.parse(r.entry) as AuditEntry), total };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
