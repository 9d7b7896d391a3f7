import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata } from '#domain';
import { summarize, type AuditEntry, type AuditTargetKind } from '#read-models';
import type { AuditLog } from '#read-models';
import { ACTIVITIES, CLASSES, DEPARTMENTS, LANGUAGES, MEMBERS, TEAMS, type ActivityDocument, type ClassDocument, type DepartmentDocument, type LanguageDocument, type MemberDocument, type TeamDocument } from '#read-models';
import type { ReadStore } from '#read-models';
import { APP_CONFIG, AUDIT_LOG, EVENT_STORE, INFRASTRUCTURE, READ_STORE } from '../shared/tokens.js';
import type { EventStore } from '#event-store';
import type { AppConfig } from '#runtime';
import type { Infrastructure } from '#runtime';
import { ProblemException } from '../shared/problem.js';
import { DataAccessLog } from './data-access.js';
import { type AuditLogQueryDto, normalizedRange } from './audit-query.dto.js';

const ids = (...values: unknown[]) => values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is string => typeof v === 'string');

/** Ids an entry's summary may name: its target and the people, classes, departments and teams in its details. */
function referencedIds(entry: AuditEntry): { users: string[]; classes: string[]; departments: string[]; teams: string[]; languages: string[]; activities: string[] } {
  const d = entry.details;
  const target = (d.target ?? {}) as Record<string, unknown>;
  return {
    users: ids(d.userId, d.fromInstructorId, d.toInstructorId, d.classesReassignedTo, d.instructorId, d.userIds, target.userIds),
    classes: ids(d.classId, target.classId),
    departments: ids(d.departmentId, d.parentId),
    teams: ids(d.teamId, target.teamId),
    activities: ids(d.activityId),
    languages: ids(d.languageId, d.before, d.after, entry.changes.filter((c) => c.field === 'languageId').flatMap((c) => [c.before, c.after])),
  };
}

/**
 * Labels for the people and classes a page names, from the read models: a user is
 * "First Last <email>" as they are now. Someone deleted since keeps the id.
 */
async function labelsFor(store: ReadStore, entries: AuditEntry[]): Promise<(kind: AuditTargetKind, id: string) => string | undefined> {
  const wanted = { users: new Set<string>(), classes: new Set<string>(), departments: new Set<string>(), teams: new Set<string>(), languages: new Set<string>(), activities: new Set<string>() };
  for (const entry of entries) {
    const refs = referencedIds(entry);
    for (const kind of Object.keys(wanted) as (keyof typeof wanted)[]) refs[kind].forEach((id) => wanted[kind].add(id));
  }
  const labels = new Map<string, string>();
  const { users, classes, departments, teams, languages, activities } = wanted;
  if (users.size)
    for (const m of await store.collection<MemberDocument>(MEMBERS).find({ _id: { $in: [...users] } })) labels.set(`user:${m._id}`, `${m.firstName} ${m.lastName} <${m.email}>`);
  if (classes.size) for (const c of await store.collection<ClassDocument>(CLASSES).find({ _id: { $in: [...classes] } })) labels.set(`class:${c._id}`, `class "${c.name}"`);
  if (departments.size)
    for (const x of await store.collection<DepartmentDocument>(DEPARTMENTS).find({ _id: { $in: [...departments] } })) labels.set(`department:${x._id}`, `department "${x.name}"`);
  if (teams.size) for (const x of await store.collection<TeamDocument>(TEAMS).find({ _id: { $in: [...teams] } })) labels.set(`team:${x._id}`, `team "${x.name}"`);
  if (languages.size) for (const x of await store.collection<LanguageDocument>(LANGUAGES).find({ _id: { $in: [...languages] } })) labels.set(`language:${x._id}`, `${x.name} (${x.code})`);
  if (activities.size) for (const x of await store.collection<ActivityDocument>(ACTIVITIES).find({ _id: { $in: [...activities] } })) labels.set(`activity:${x._id}`, `"${x.title}"`);
  return (kind, id) => labels.get(`${kind}:${id}`);
}

/** An audit entry as the API answers it: with its one-line summary and its target's label. */
export type AuditEntryView = Omit<AuditEntry, 'organizationId' | 'target'> & { summary: string; target: AuditEntry['target'] & { label: string | null } };

/**
 * Reads one audit log (an organization's, or the platform's: super admins, platform
 * auditors and their management), recording the view first and waiting until the
 * log holds everything written before the request.
 */
@Injectable()
export class AuditLogReader {
  constructor(
    @Inject(AUDIT_LOG) private readonly auditLog: AuditLog,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly access: DataAccessLog,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Read your writes: the audit log answers once it holds everything written before this request. */
  private async caughtUp(): Promise<void> {
    const head = await this.events.headPosition();
    if (!(await this.infra.auditProgress.waitFor(head, this.config.readYourWritesTimeoutMs)))
      throw new ProblemException('read-model-behind', 'The audit log is still catching up with the event log; try again shortly', { minPosition: head }, { 'Retry-After': '1' });
  }

  /**
   * Every entry of an organization's log about one person and by them, oldest first, with
   * summaries (issue 20: their personal-data export, which records its own access).
   */
  async aboutAndBy(organizationId: string, personId: string): Promise<{ about: AuditEntryView[]; by: AuditEntryView[] }> {
    await this.caughtUp();
    const all = async (filter: { targetId?: string; actorId?: string }) => {
      const entries: AuditEntry[] = [];
      for (let page = 1; ; page++) {
        const { items, total } = await this.auditLog.page({ organizationId, ...filter, page, pageSize: 500 });
        entries.push(...items);
        if (items.length === 0 || entries.length >= total) break;
      }
      const labelOf = await labelsFor(this.readStore, entries);
      return entries.reverse().map((entry) => this.view(entry, labelOf));
    };
    return { about: await all({ targetId: personId }), by: await all({ actorId: personId }) };
  }

  private view(entry: AuditEntry, labelOf: Parameters<typeof summarize>[1]): AuditEntryView {
    return {
      id: entry.id,
      position: entry.position,
      occurredAt: entry.occurredAt,
      actor: entry.actor,
      type: entry.type,
      summary: summarize(entry, labelOf),
      target: { ...entry.target, label: labelOf?.(entry.target.kind, entry.target.id) ?? null },
      changes: entry.changes,
      details: entry.details,
      ip: entry.ip,
      userAgent: entry.userAgent,
      correlationId: entry.correlationId,
    };
  }

  async read(organizationId: string | null, query: AuditLogQueryDto, metadata: CommandMetadata) {
    const range = normalizedRange(query);
    const filter = { actorId: query.actorId, targetId: query.targetId, types: query.type, ...range };
    await this.access.record(organizationId, 'audit-log-view', { filter: Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)), page: query.page }, metadata);
    await this.caughtUp();
    const { items, total } = await this.auditLog.page({ organizationId, ...filter, page: query.page, pageSize: query.pageSize });
    const labelOf = await labelsFor(this.readStore, items);
    return {
      items: items.map((entry) => this.view(entry, labelOf)),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }
}
