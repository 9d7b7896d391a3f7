import type { StoredStatement } from '#domain';
import type { Filter, ReadStore } from '../read-store.port.js';
import { POSITION_FIELD } from '../projector/projection.js';
import type { Page } from './organizations.queries.js';
import { STATEMENT_STREAMS, statementDocId, STATEMENTS, UNMATCHED_AGENTS, type StatementDocument, type StatementStreamDocument, type UnmatchedAgentDocument } from '../projections/statements.projection.js';

export interface StatementQuery {
  organizationId: string;
  agentKey?: string;
  verbId?: string;
  activityId?: string;
  registration?: string;
  /** Stored strictly after (xAPI `since`). */
  since?: string;
  /** Stored at or before (xAPI `until`). */
  until?: string;
  limit: number;
  ascending: boolean;
  /** The page's start: the log position of the last statement of the page before (the `more` link). */
  cursor?: number;
}

/**
 * Statements matching the standard's filters, newest first (or oldest first), voided ones
 * left out (xAPI: a filtered query does not return voided statements), one page and the
 * cursor of the next. Each filter is served by an index on (organization, key, position).
 */
export async function findStatements(store: ReadStore, query: StatementQuery): Promise<{ statements: StoredStatement[]; next: number | null }> {
  const filter: Filter = { organizationId: query.organizationId, voided: false };
  if (query.agentKey !== undefined) filter.agentKey = query.agentKey;
  if (query.verbId !== undefined) filter.verbId = query.verbId;
  if (query.activityId !== undefined) filter.activityId = query.activityId;
  if (query.registration !== undefined) filter.registration = query.registration.toLowerCase();
  const stored: Record<string, string> = {};
  if (query.since !== undefined) stored.$gt = query.since;
  if (query.until !== undefined) stored.$lte = query.until;
  if (Object.keys(stored).length > 0) filter.stored = stored;
  if (query.cursor !== undefined) filter[POSITION_FIELD] = query.ascending ? { $gt: query.cursor } : { $lt: query.cursor };
  const docs = await store
    .collection<StatementDocument>(STATEMENTS)
    .find(filter, { sort: { [POSITION_FIELD]: query.ascending ? 1 : -1 }, limit: query.limit + 1, projection: { statement: 1, [POSITION_FIELD]: 1 } });
  const page = docs.slice(0, query.limit);
  return { statements: page.map((d) => d.statement), next: docs.length > query.limit ? page[page.length - 1][POSITION_FIELD] : null };
}

/** Every statement matched to a member, voided ones too (marked), oldest first: their learning records. */
export async function statementsOfMember(store: ReadStore, organizationId: string, userId: string): Promise<{ statement: StoredStatement; voided: boolean }[]> {
  const docs = await store.collection<StatementDocument>(STATEMENTS).find({ organizationId, userId }, { sort: { [POSITION_FIELD]: 1 }, projection: { statement: 1, voided: 1, [POSITION_FIELD]: 1 } });
  return docs.map((d) => ({ statement: d.statement, voided: d.voided }));
}

/** One statement by id: a voided one only when asked for as voided (xAPI `voidedStatementId`). */
export async function findStatement(store: ReadStore, organizationId: string, statementId: string, voided: boolean): Promise<StoredStatement | null> {
  const doc = await store.collection<StatementDocument>(STATEMENTS).findOne({ _id: statementDocId(organizationId, statementId.toLowerCase()), voided });
  return doc?.statement ?? null;
}

/** When the organization's newest statement in the read model was stored, if any. */
export async function lastStoredStatement(store: ReadStore, organizationId: string): Promise<string | null> {
  return (await store.collection<StatementStreamDocument>(STATEMENT_STREAMS).findOne({ _id: organizationId }))?.lastStored ?? null;
}

/** The actors no member was matched to, the most recent first. */
export async function findUnmatchedAgents(store: ReadStore, organizationId: string, query: { page: number; pageSize: number }): Promise<Page<UnmatchedAgent>> {
  const { items, total } = await store
    .collection<UnmatchedAgentDocument>(UNMATCHED_AGENTS)
    .findPage({ organizationId }, { sort: { lastStored: -1, _id: 1 }, skip: (query.page - 1) * query.pageSize, limit: query.pageSize });
  return { items: items.map(({ agentKey, name, statements, firstStored, lastStored }) => ({ agent: agentKey, name, statements, firstStored, lastStored })), total, page: query.page, pageSize: query.pageSize };
}

export interface UnmatchedAgent {
  /** The actor's identifier (`mbox:mailto:…`, `account:<homePage>|<name>`…). */
  agent: string;
  name: string | null;
  statements: number;
  firstStored: string;
  lastStored: string;
}
