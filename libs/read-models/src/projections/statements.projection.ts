import { erasedValue, XAPI_STATEMENT_EVENT_TYPES, type PersonalKind, type StoredStatement, type XapiStatementEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, ORGANIZATION_PURGED, organizationRemoved, POSITION_FIELD, type Projection } from '../projector/projection.js';

export const STATEMENTS = 'xapi_statements_v1';
/** Per organization, the revision of its statements stream the read model holds: where the write path's id check reads the stream from. */
export const STATEMENT_STREAMS = 'xapi_statement_streams_v1';
/** Actors no member was matched to, with how many statements they sent. */
export const UNMATCHED_AGENTS = 'xapi_unmatched_agents_v1';

export interface StatementDocument {
  _id: string;
  organizationId: string;
  statementId: string;
  statement: StoredStatement;
  hash: string;
  agentKey: string | null;
  userId: string | null;
  verbId: string;
  /** The object's id when the object is an activity (the `activity` filter). */
  activityId: string | null;
  registration: string | null;
  stored: string;
  voided: boolean;
  voids: string | null;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

export interface StatementStreamDocument {
  _id: string;
  organizationId: string;
  revision: number;
  lastStored: string;
  [key: string]: unknown;
}

export interface UnmatchedAgentDocument {
  _id: string;
  organizationId: string;
  agentKey: string;
  /** The name the last statement gave the actor (what an admin recognises). */
  name: string | null;
  statements: number;
  firstStored: string;
  lastStored: string;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

/**
 * A member's statements once they are erased (issue 20): the values personal-fields.ts
 * seals in the event read as erased in the read model too. The statements stay, counted
 * and attributed to the member's id, so reports keep their totals.
 */
function erasedLearner(recorded: RecordedEvent): CollectionWriteOp[] {
  const { organizationId, userId } = recorded.data as { organizationId: string; userId: string };
  const theirs = { organizationId, userId };
  const erased = (path: string, kind: PersonalKind): CollectionWriteOp => ({
    collection: STATEMENTS,
    updateMany: { filter: { ...theirs, [path]: { $exists: true } }, update: { $set: { [path]: erasedValue(kind, userId) } } },
  });
  return [
    { collection: STATEMENTS, updateMany: { filter: theirs, update: { $set: { agentKey: erasedValue('text', userId) } } } },
    erased('statement.actor', 'agent'),
    erased('statement.context.instructor', 'agent'),
    erased('statement.result.response', 'text'),
  ];
}

/**
 * Months of learning records past the organization's retention (issue 20): their key
 * destroyed, what the statements said about anyone reads as erased, with the month key's
 * id, as a rebuild from the log reads it. The statements stay, counted.
 */
function expiredMonths(recorded: RecordedEvent): CollectionWriteOp[] {
  const { organizationId, learningRecordKeys } = recorded.data as { organizationId: string; learningRecordKeys: Record<string, string> };
  return Object.entries(learningRecordKeys).flatMap(([month, keyId]) => {
    const inMonth = { organizationId, stored: { $gte: month, $lt: nextMonth(month) } };
    const erased = (path: string, kind: PersonalKind): CollectionWriteOp => ({
      collection: STATEMENTS,
      updateMany: { filter: { ...inMonth, [path]: { $exists: true } }, update: { $set: { [path]: erasedValue(kind, keyId) } } },
    });
    return [
      { collection: STATEMENTS, updateMany: { filter: { ...inMonth, agentKey: { $ne: null } }, update: { $set: { agentKey: erasedValue('text', keyId) } } } },
      erased('statement.actor', 'agent'),
      erased('statement.context.instructor', 'agent'),
      erased('statement.result.response', 'text'),
    ];
  });
}

/** `2026-12` → `2027-01`. */
function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

export const statementDocId = (organizationId: string, statementId: string): string => `${organizationId}:${statementId}`;

/**
 * The learning record store's statements (issue 19): each statement as stored, with the
 * keys the standard's filters use, whether it was voided, the stream revision the write
 * path checks new ids against, and the actors no member was matched to.
 */
export const statementsProjection: Projection = {
  name: 'xapi-statements',
  version: 1,
  collections: [
    {
      name: STATEMENTS,
      indexes: [
        { keys: { organizationId: 1, voided: 1, [POSITION_FIELD]: -1 }, name: 'by_org_position' },
        { keys: { organizationId: 1, agentKey: 1, [POSITION_FIELD]: -1 }, name: 'by_agent' },
        { keys: { organizationId: 1, verbId: 1, [POSITION_FIELD]: -1 }, name: 'by_verb' },
        { keys: { organizationId: 1, activityId: 1, [POSITION_FIELD]: -1 }, name: 'by_activity' },
        // A member's own statements (issue 20: their personal-data export).
        { keys: { organizationId: 1, userId: 1, [POSITION_FIELD]: 1 }, name: 'by_user' },
      ],
    },
    { name: STATEMENT_STREAMS, indexes: [] },
    { name: UNMATCHED_AGENTS, indexes: [{ keys: { organizationId: 1, lastStored: -1 }, name: 'by_org_last' }] },
  ],
  canHandle: (event) => XAPI_STATEMENT_EVENT_TYPES.has(event.type as XapiStatementEvent['type']) || event.type === ORGANIZATION_PURGED || event.type === 'UserErased' || event.type === 'RetentionApplied',
  project(recorded: RecordedEvent): CollectionWriteOp[] {
    if (recorded.type === ORGANIZATION_PURGED) return organizationRemoved(recorded, STATEMENTS, STATEMENT_STREAMS, UNMATCHED_AGENTS);
    if (recorded.type === 'UserErased') return erasedLearner(recorded);
    if (recorded.type === 'RetentionApplied') return expiredMonths(recorded);
    const { organizationId, statementId, statement, hash, agentKey, userId, voids } = (recorded as unknown as { data: XapiStatementEvent['data'] }).data;
    const object = statement.object as { objectType?: string; id?: string } | undefined;
    const context = statement.context as { registration?: string } | undefined;
    const doc: StatementDocument = {
      _id: statementDocId(organizationId, statementId),
      organizationId,
      statementId,
      statement,
      hash,
      agentKey,
      userId,
      verbId: (statement.verb as { id: string }).id,
      activityId: object && (object.objectType === undefined || object.objectType === 'Activity') && typeof object.id === 'string' ? object.id : null,
      registration: context?.registration?.toLowerCase() ?? null,
      stored: statement.stored,
      voided: false,
      voids,
      [POSITION_FIELD]: recorded.position,
    };
    const ops: CollectionWriteOp[] = [
      { collection: STATEMENTS, updateOne: { filter: { _id: doc._id }, update: { $setOnInsert: doc }, upsert: true } },
      {
        collection: STATEMENT_STREAMS,
        updateOne: { filter: { _id: organizationId }, update: { $setOnInsert: { organizationId }, $max: { revision: recorded.revision, lastStored: statement.stored } }, upsert: true },
      },
    ];
    // A voiding statement voids its target unless that is itself a voiding statement
    // (xAPI: voiding statements cannot be voided); a target the LRS does not have is not
    // a reason to refuse the voiding one, so nothing happens then.
    if (voids) ops.push({ collection: STATEMENTS, updateOne: { filter: { _id: statementDocId(organizationId, voids), voids: null, voided: false }, update: { $set: { voided: true, voidedBy: statementId } } } });
    if (agentKey && !userId) {
      const id = `${organizationId}:${agentKey}`;
      const name = typeof (statement.actor as { name?: unknown }).name === 'string' ? (statement.actor as { name: string }).name : null;
      ops.push(
        {
          collection: UNMATCHED_AGENTS,
          updateOne: { filter: { _id: id }, update: { $setOnInsert: { organizationId, agentKey, name, statements: 0, firstStored: statement.stored, lastStored: statement.stored, [POSITION_FIELD]: 0 } }, upsert: true },
        },
        {
          collection: UNMATCHED_AGENTS,
          updateOne: { filter: { _id: id, ...notYetApplied(recorded.position) }, update: { $set: { name, lastStored: statement.stored, [POSITION_FIELD]: recorded.position }, $inc: { statements: 1 } } },
        },
      );
    }
    return ops;
  },
};
