import { Controller, HttpCode, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandMetadata } from '#domain';
import { XapiClientRoute } from '../../auth/permissions.decorator.js';
import { ProblemException } from '../../shared/problem.js';
import { Meta, type AuthenticatedRequest } from '../../shared/request-context.js';
import { StatementWriter } from '../statement-writer.js';
import { validStatements } from '../statement-validation.js';

const STATEMENT_SCHEMA = { type: 'object', description: 'An xAPI 1.0.3 statement', additionalProperties: true } as const;

/** The body as parsed: only JSON is read (attachments, multipart/mixed, are not taken). */
function jsonBody(request: AuthenticatedRequest): unknown {
  const type = String(request.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type))
    throw new ProblemException('unsupported-media-type', 'Send statements as application/json; attachments (multipart/mixed) are not taken by this LRS');
  return request.body;
}

/**
 * Storing learning records (xAPI 1.0.3, Statement Resource; issue 19). POST takes one
 * statement or a list and answers their ids; PUT stores one under the id in its query.
 * A statement the LRS already has (same id, same content) is not stored again: a retry
 * answers as the first request did. The same id with other content is a 409.
 */
@ApiTags('xapi')
@ApiBasicAuth()
@ApiHeader({ name: 'X-Experience-API-Version', required: true, example: '1.0.3' })
@XapiClientRoute()
@Controller('xapi/statements')
export class StoreStatementsController {
  constructor(private readonly writer: StatementWriter) {}

  @Post()
  @HttpCode(200)
  @ApiBody({ schema: { oneOf: [STATEMENT_SCHEMA, { type: 'array', items: STATEMENT_SCHEMA }] } })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'string', format: 'uuid' } }, description: "The statements' ids, in the order sent" })
  async post(@Req() request: AuthenticatedRequest, @Meta() metadata: CommandMetadata, @Res({ passthrough: true }) reply: FastifyReply): Promise<string[]> {
    const statements = validStatements(jsonBody(request), false);
    const stored = await this.writer.store(request.xapiClient!, { statements }, metadata);
    reply.header('X-Position', String(stored.position));
    return stored.ids;
  }

  @Put()
  @HttpCode(204)
  @ApiQuery({ name: 'statementId', required: true, description: 'The id to store the statement under' })
  @ApiBody({ schema: STATEMENT_SCHEMA })
  @ApiNoContentResponse({ description: 'Stored (or already stored, the same)' })
  async put(@Req() request: AuthenticatedRequest, @Query('statementId') statementId: unknown, @Meta() metadata: CommandMetadata, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    if (typeof statementId !== 'string' || statementId === '')
      throw new ProblemException('invalid-xapi-query', 'PUT names the statement in the statementId parameter', { errors: [{ field: 'statementId', message: 'statementId is required' }] });
    const statements = validStatements(jsonBody(request), true);
    const stored = await this.writer.store(request.xapiClient!, { statements, statementIdParameter: statementId }, metadata);
    reply.header('X-Position', String(stored.position));
  }
}
