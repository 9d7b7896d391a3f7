import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DomainError, errorEntry, ValidationFailed, type ErrorCode } from '#domain';
import { WrongExpectedRevisionError } from '#event-store';
import { EventStoreUnavailableError, isStorageErrorCode } from '#event-store';
import { etagOf } from './etag.js';
import { ProblemException, problemType, type ProblemDetails } from './problem.js';

/** Every refusal with field errors carries this one code, whichever rule found them. */
export const VALIDATION_FAILED = 'validation-failed';

/** Statuses Nest or Express raise on their own, as catalogue codes. */
const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-attempts',
};

/**
 * Storage refusing a write or a read (a full disk, an I/O error, a read-only or locked
 * file, a database server out of reach): the request is not at fault and may succeed
 * later, so the answer is 503 with Retry-After, never a 500.
 */
const STORAGE_ERROR_NAMES = new Set(['MongoNetworkError', 'MongoServerSelectionError', 'MongoNotConnectedError', 'MongoTopologyClosedError', 'UnavailableError', 'DeadlineExceededError']);
export const STORAGE_RETRY_AFTER_SECONDS = 5;

export function isStorageError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  return isStorageErrorCode(code) || (typeof name === 'string' && STORAGE_ERROR_NAMES.has(name));
}

/** RFC 9110, 13.1.1: a stale If-Match answers with the current ETag, so the client can reload and decide again. */
function headersOf(error: DomainError): Record<string, string> {
  if (error.code === 'stale-revision' && typeof error.details.currentRevision === 'number') return { ETag: etagOf(error.details.currentRevision) };
  return {};
}

/** Errors Fastify raises before a handler (body too large, no parser for a type) carry an `FST_` code and a status. */
interface FastifyError {
  code?: string;
  statusCode?: number;
}

/**
 * Turns every error into an RFC 9457 problem response. Unknown errors become a
 * generic 500 whose detail says nothing about internals; the stack goes to the log.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const response = http.getResponse<FastifyReply>();
    const { problem, headers } = this.toProblem(exception);
    problem.instance = request.url?.split('?')[0];
    if (problem.status >= 500)
      this.logger.error({ err: exception, path: problem.instance, correlationId: request.headers['x-correlation-id'] }, 'request failed');
    if (response.sent || response.raw.headersSent) return;
    void response.headers(headers).code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  toProblem(exception: unknown): { problem: ProblemDetails; headers: Record<string, string> } {
    // The title is the code's, from the catalogue; the status too, unless the error carries its own (a sign-in refusal).
    const make = (code: ErrorCode, detail: string, extra: Record<string, unknown> = {}, status = errorEntry(code).status): ProblemDetails => ({
      type: problemType(code),
      title: errorEntry(code).title,
      status,
      detail,
      code,
      ...extra,
    });

    if (exception instanceof ProblemException) {
      const status = exception.getStatus();
      const code = status === 400 && Array.isArray(exception.extensions.errors) ? VALIDATION_FAILED : exception.code;
      return { problem: make(code, exception.message, exception.extensions, status), headers: exception.headers };
    }

    if (exception instanceof DomainError) {
      const { errors, ...rest } = exception.details;
      const code = exception instanceof ValidationFailed ? VALIDATION_FAILED : exception.code;
      return { problem: make(code, exception.message, { ...rest, ...(errors ? { errors } : {}) }, exception.status), headers: headersOf(exception) };
    }

    if (exception instanceof EventStoreUnavailableError)
      return {
        problem: make('event-store-unavailable', 'The event store could not be reached in time. Try again shortly; the same Idempotency-Key makes a retried write safe.', {
          retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS,
        }),
        headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) },
      };

    if (isStorageError(exception))
      return {
        problem: make('storage-unavailable', 'The service could not read or write its data (storage unavailable). Try again shortly; the same Idempotency-Key makes a retried write safe.', {
          retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS,
        }),
        headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) },
      };

    if (exception instanceof WrongExpectedRevisionError)
      return {
        problem: make('concurrency-conflict', 'The resource was changed by someone else at the same time; reload it and try again'),
        headers: {},
      };

    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // /health when a check fails (terminus): say which, rather than a bare 503.
      const body = exception.getResponse() as { details?: unknown; error?: unknown };
      if (status === 503 && body && typeof body === 'object' && body.details)
        return { problem: make('unhealthy', 'A dependency of the service is failing', { checks: body.details, failing: body.error }), headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) } };
      const code = STATUS_CODES[status] ?? (status >= 500 ? 'internal-error' : 'bad-request');
      const detail = status === 404 ? 'No such route or resource' : status >= 500 ? 'An unexpected error occurred' : exception.message;
      return { problem: make(code, detail, {}, status), headers: {} };
    }

    const fastifyError = exception as FastifyError;
    if (fastifyError && typeof fastifyError === 'object' && typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_') && fastifyError.statusCode) {
      const status = fastifyError.statusCode;
      if (status === 413) return { problem: make('payload-too-large', 'The request body is too large'), headers: {} };
      if (status === 415) return { problem: make('unsupported-media-type', 'Unsupported body type or encoding'), headers: {} };
      if (status < 500) return { problem: make(STATUS_CODES[status] ?? 'bad-request', 'The request body could not be read', {}, status), headers: {} };
    }

    return { problem: make('internal-error', 'An unexpected error occurred'), headers: {} };
  }
}
