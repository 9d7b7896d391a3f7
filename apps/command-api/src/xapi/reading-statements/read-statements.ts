import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { agentKeyOf, type StoredStatement } from '#domain';
import type { EventStore } from '#event-store';
import { findStatement, findStatements, lastStoredStatement, projectionId, statementsProjection, type ProjectionProgress, type ReadStore } from '#read-models';
import { XapiClientRoute } from '../../auth/permissions.decorator.js';
import { UUID_PATTERN } from '../../shared/ids.js';
import { ProblemException } from '../../shared/problem.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import type { AuthenticatedRequest } from '../../shared/request-context.js';
import { EVENT_STORE, PROJECTION_PROGRESS, READ_STORE } from '../../shared/tokens.js';

/** The most statements one page holds (xAPI: `limit=0` asks for the server's maximum). */
export const MAX_STATEMENTS_PER_PAGE = 100;
/** How long a query waits for the read model to reach the log's head before it says how far it is consistent. */
const CONSISTENCY_WAIT_MS = 250;

const PARAMETERS = ['statementId', 'voidedStatementId', 'agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents', 'since', 'until', 'limit', 'format', 'attachments', 'ascending', 'cursor'] as const;
const SINGLE_ALLOWED = new Set(['statementId', 'voidedStatementId', 'format', 'attachments']);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const invalid = (field: string, message: string) => new ProblemException('invalid-xapi-query', message, { errors: [{ field, message }] });

function text(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, `${name} is given more than once`);
  return value;
}

function bool(query: Record<string, unknown>, name: string): boolean {
  const value = text(query, name);
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw invalid(name, `${name} must be true or false`);
}

function time(query: Record<string, unknown>, name: string): string | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  if (!ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) throw invalid(name, `${name} must be an ISO 8601 timestamp with a time zone`);
  return new Date(value).toISOString();
}

/** `format=ids`: agents and groups by their identifier only, activities by their id (xAPI 1.0.3, 2.1.3). */
function idsOnly(statement: StoredStatement): StoredStatement {
  const agent = (a: unknown): unknown => {
    if (a === null || typeof a !== 'object') return a;
    const { objectType, mbox, mbox_sha1sum, openid, account, member } = a as Record<string, unknown>;
    const out: Record<string, unknown> = { objectType, mbox, mbox_sha1sum, openid, account };
    if (objectType === 'Group' && !mbox && !mbox_sha1sum && !openid && !account && Array.isArray(member)) out.member = member.map(agent);
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
  };
  const object = statement.object as Record<string, unknown>;
  const objectType = object.objectType ?? 'Activity';
  return {
    ...statement,
    actor: agent(statement.actor),
    object: objectType === 'Activity' ? { objectType: 'Activity', id: object.id } : objectType === 'Agent' || objectType === 'Group' ? agent(object) : object,
  } as StoredStatement;
}

/**
 * Reading learning records (xAPI 1.0.3, Statement Resource; issue 19): one statement by
 * `statementId` (a voided one only by `voidedStatementId`), or a page of them by the
 * standard's filters with a `more` link to the next. Every answer says, in
 * X-Experience-API-Consistent-Through, up to when the LRS has every statement.
 */
@ApiTags('xapi')
@ApiBasicAuth()
@ApiHeader({ name: 'X-Experience-API-Version', required: true, example: '1.0.3' })
@XapiClientRoute()
@ReadsFrom(statementsProjection)
@Controller('xapi/statements')
export class ReadStatementsController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
  ) {}

  @Get()
  @ApiQuery({ name: 'statementId', required: false })
  @ApiQuery({ name: 'voidedStatementId', required: false })
  @ApiQuery({ name: 'agent', required: false, description: 'An agent as JSON: statements whose actor it is' })
  @ApiQuery({ name: 'verb', required: false })
  @ApiQuery({ name: 'activity', required: false })
  @ApiQuery({ name: 'registration', required: false })
  @ApiQuery({ name: 'since', required: false })
  @ApiQuery({ name: 'until', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'ascending', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['exact', 'ids', 'canonical'] })
  @ApiOkResponse({ description: 'A statement, or { statements, more }' })
  async read(@Req() request: AuthenticatedRequest, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const organizationId = request.xapiClient!.organizationId;
    const consistentThrough = await this.consistentThrough(organizationId);
    reply.header('X-Experience-API-Consistent-Through', consistentThrough);
    const unknown = Object.keys(query).filter((name) => !(PARAMETERS as readonly string[]).includes(name));
    if (unknown.length > 0) throw invalid(unknown[0], `${unknown[0]} is not a parameter of the statement resource`);
    const format = text(query, 'format') ?? 'exact';
    if (!['exact', 'ids', 'canonical'].includes(format)) throw invalid('format', 'format must be exact, ids or canonical');
    bool(query, 'attachments');
    const shape = (s: StoredStatement) => (format === 'ids' ? idsOnly(s) : s);

    const statementId = text(query, 'statementId');
    const voidedStatementId = text(query, 'voidedStatementId');
    if (statementId !== undefined || voidedStatementId !== undefined) {
      const extra = Object.keys(query).filter((name) => !SINGLE_ALLOWED.has(name));
      if (extra.length > 0 || (statementId !== undefined && voidedStatementId !== undefined))
        throw invalid(extra[0] ?? 'voidedStatementId', 'statementId and voidedStatementId are asked alone (with format or attachments only)');
      const id = (statementId ?? voidedStatementId)!;
      if (!UUID_PATTERN.test(id)) throw invalid(statementId !== undefined ? 'statementId' : 'voidedStatementId', 'a statement id is a UUID');
      const found = await findStatement(this.readStore, organizationId, id, voidedStatementId !== undefined);
      if (!found) throw new ProblemException('xapi-statement-not-found', voidedStatementId !== undefined ? 'This LRS has no voided statement with that id' : 'This LRS has no statement with that id (a voided one is read with voidedStatementId)');
      reply.header('Last-Modified', new Date(found.stored).toUTCString());
      return shape(found);
    }

    if (bool(query, 'related_activities') || bool(query, 'related_agents'))
      throw invalid('related_activities', 'related_activities and related_agents are not supported by this LRS: filter by the actor and the object');
    let agentKey: string | undefined;
    const agent = text(query, 'agent');
    if (agent !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(agent);
      } catch {
        throw invalid('agent', 'agent must be an agent as JSON, such as {"mbox":"mailto:ana@school.example"}');
      }
      agentKey = agentKeyOf(parsed) ?? undefined;
      if (!agentKey) throw invalid('agent', 'agent must have an identifier: mbox, mbox_sha1sum, openid or account');
    }
    const limitText = text(query, 'limit');
    if (limitText !== undefined && !/^\d{1,6}$/.test(limitText)) throw invalid('limit', 'limit must be a whole number, 0 or more');
    const limit = limitText === undefined || Number(limitText) === 0 ? MAX_STATEMENTS_PER_PAGE : Math.min(Number(limitText), MAX_STATEMENTS_PER_PAGE);
    const cursorText = text(query, 'cursor');
    if (cursorText !== undefined && !/^\d{1,16}$/.test(cursorText)) throw invalid('cursor', 'cursor is the value a more link gave');
    const registration = text(query, 'registration');
    if (registration !== undefined && !UUID_PATTERN.test(registration)) throw invalid('registration', 'registration is a UUID');
    const ascending = bool(query, 'ascending');
    const { statements, next } = await findStatements(this.readStore, {
      organizationId,
      agentKey,
      verbId: text(query, 'verb'),
      activityId: text(query, 'activity'),
      registration,
      since: time(query, 'since'),
      until: time(query, 'until'),
      limit,
      ascending,
      cursor: cursorText === undefined ? undefined : Number(cursorText),
    });
    let more = '';
    if (next !== null) {
      const params = new URLSearchParams(Object.entries(query).filter(([name]) => name !== 'cursor') as [string, string][]);
      params.set('cursor', String(next));
      more = `/xapi/statements?${params.toString()}`;
    }
    return { statements: statements.map(shape), more };
  }

  /**
   * Up to when every stored statement is in the answer: now, when the read model reaches
   * the log's head within a moment; else when its newest statement of this organization
   * was stored (statements past it may still be on their way).
   */
  private async consistentThrough(organizationId: string): Promise<string> {
    const asked = new Date().toISOString();
    const head = await this.events.headPosition();
    if (await this.progress.waitFor(head, CONSISTENCY_WAIT_MS, [projectionId(statementsProjection)])) return asked;
    return (await lastStoredStatement(this.readStore, organizationId)) ?? new Date(0).toISOString();
  }
}
