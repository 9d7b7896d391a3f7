import { eventTypes, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';

/**
 * Learning records over xAPI 1.0.3 (issue 19). A statement is stored as an event of its
 * organization's statements stream (`xapi-<organizationId>`), one event per statement,
 * with the statement as the LRS stores it (`stored`, `authority`, `version`, and a
 * `timestamp` when the client sent none) and who it was matched to.
 *
 * The statement id makes a retry a no-op: a statement whose id the organization already
 * has is not stored again when it is the same statement, and is refused (409) when it is
 * another one. "The same" compares what the client sent, not what the LRS added.
 */
export const XAPI_VERSION = '1.0.3';
export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';

export const xapiStatementsStream = (organizationId: string): string => `xapi-${organizationId}`;

/** A statement as the validator accepted it (its shape is the specification's, not ours). */
export type Statement = Record<string, unknown> & { id?: string };

export interface StoredStatement extends Statement {
  id: string;
  stored: string;
  timestamp: string;
  version: string;
  authority: Record<string, unknown>;
}

export type XapiStatementEvent = DomainEvent<
  'XapiStatementStored',
  {
    organizationId: string;
    statementId: string;
    statement: StoredStatement;
    /** What the client sent, hashed (sha256 of its canonical JSON): the id's retry check. */
    hash: string;
    /** The actor's identifier, one string (see agentKeyOf); null for an actor without one (an anonymous group). */
    agentKey: string | null;
    /** The member the actor was matched to when the statement arrived; null when none (reported as unmatched). */
    userId: string | null;
    credentialId: string;
    /** The organization's time zone when it arrived: the reports count it on its local date there. */
    timeZone: string;
    /** The statement this one voids, for a voiding statement. */
    voids: string | null;
  }
>;

export const XAPI_STATEMENT_EVENT_TYPES = eventTypes<XapiStatementEvent>({ XapiStatementStored: true });

/** JSON with its object keys sorted, so two equal statements hash alike whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * What a statement's retry is recognised by: the client's statement without what the LRS
 * sets (authority, stored, version), as canonical JSON. The id is in it, so two
 * statements compare alike only when they are the same one. (The app hashes it: the
 * domain does no I/O and no crypto.)
 */
export function retryIdentity(statement: Statement): string {
  const { authority: _a, stored: _s, version: _v, ...sent } = statement;
  return canonicalJson(sent);
}

/**
 * An agent's inverse functional identifier as one string, the key statements are
 * filtered and matched by: `mbox:mailto:ana@school.example` (the address lower-cased, as
 * mailboxes are matched case-insensitively by people), `mbox_sha1sum:<hex>`,
 * `openid:<uri>`, `account:<homePage>|<name>`. Null when there is none.
 */
export function agentKeyOf(agent: unknown): string | null {
  if (agent === null || typeof agent !== 'object') return null;
  const a = agent as Record<string, unknown>;
  if (typeof a.mbox === 'string') return `mbox:${a.mbox.toLowerCase()}`;
  if (typeof a.mbox_sha1sum === 'string') return `mbox_sha1sum:${a.mbox_sha1sum.toLowerCase()}`;
  if (typeof a.openid === 'string') return `openid:${a.openid}`;
  const account = a.account as Record<string, unknown> | undefined;
  if (account && typeof account.homePage === 'string' && typeof account.name === 'string') return `account:${account.homePage}|${account.name}`;
  return null;
}

/** The email address an agent's mailbox names (lower-cased), or null. */
export function mailboxOf(agentKey: string | null): string | null {
  return agentKey?.startsWith('mbox:mailto:') ? agentKey.slice('mbox:mailto:'.length) : null;
}

export interface StatementBatch {
  statements: Statement[];
  /** PUT names the id in its query: the statement must carry the same one, or none. */
  statementIdParameter?: string;
}

export interface Deciding {
  organizationId: string;
  timeZone: string;
  credentialId: string;
  authority: Record<string, unknown>;
  now: string;
  /** A fresh id for a statement sent without one. */
  newId: () => string;
  /** The hash of a statement's retry identity (retryIdentity). */
  hash: (identity: string) => string;
  /** The hash of the statement the organization already has with this id, if any. */
  known: (statementId: string) => string | undefined;
  /** The member an agent key is matched to (null when none). */
  memberOf: (agentKey: string | null) => string | null;
}

export interface DecidedStatements {
  /** Every statement's id, in the order sent (the POST's answer). */
  ids: string[];
  /** The events to store: the statements the organization did not have yet. */
  events: XapiStatementEvent[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which statements of a request to store. The batch is all or nothing (xAPI: a batch with
 * one bad statement is refused whole): two statements with one id, a PUT whose id and
 * parameter differ, and an id the organization has for another statement refuse it; an id
 * it has for this very statement is skipped (the retry).
 */
export function decideStatements(batch: StatementBatch, ctx: Deciding): DecidedStatements {
  const { statements, statementIdParameter } = batch;
  if (statementIdParameter !== undefined) {
    if (!UUID.test(statementIdParameter)) throw new ValidationFailed('invalid-xapi-statement', [{ field: 'statementId', message: 'statementId must be a UUID' }]);
    const sent = statements[0]?.id;
    if (sent !== undefined && sent.toLowerCase() !== statementIdParameter.toLowerCase())
      throw new ValidationFailed('invalid-xapi-statement', [{ field: 'id', message: 'the statement id differs from the statementId parameter' }]);
  }
  const seen = new Set<string>();
  const ids: string[] = [];
  const events: XapiStatementEvent[] = [];
  statements.forEach((sent, index) => {
    const id = (statementIdParameter ?? sent.id ?? ctx.newId()).toLowerCase();
    if (seen.has(id)) throw new ValidationFailed('invalid-xapi-statement', [{ field: `statements[${index}].id`, message: `the id ${id} appears twice in the batch` }]);
    seen.add(id);
    ids.push(id);
    const withId: Statement = { ...sent, id };
    const hash = ctx.hash(retryIdentity(withId));
    const known = ctx.known(id);
    if (known !== undefined) {
      if (known === hash) return;
      throw new DomainError('xapi-statement-conflict', `The LRS already has another statement with the id ${id}`, { statementId: id });
    }
    const statement: StoredStatement = {
      ...withId,
      id,
      stored: ctx.now,
      timestamp: typeof sent.timestamp === 'string' ? sent.timestamp : ctx.now,
      version: typeof sent.version === 'string' ? sent.version : '1.0.0',
      authority: ctx.authority,
    };
    const agentKey = agentKeyOf(statement.actor);
    const verb = statement.verb as { id?: unknown } | undefined;
    const object = statement.object as { objectType?: unknown; id?: unknown } | undefined;
    const voids = verb?.id === VOIDED_VERB && object?.objectType === 'StatementRef' && typeof object.id === 'string' ? object.id.toLowerCase() : null;
    events.push({
      type: 'XapiStatementStored',
      data: { organizationId: ctx.organizationId, statementId: id, statement, hash, agentKey, userId: ctx.memberOf(agentKey), credentialId: ctx.credentialId, timeZone: ctx.timeZone, voids },
    });
  });
  return { ids, events };
}
