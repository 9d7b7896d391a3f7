import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '#domain';
import { WrongExpectedRevisionError } from '#event-store';
import { isStorageErrorCode } from '#event-store';
import { ProblemException, problemType, type ProblemDetails } from './problem.js';

/**
 * One status per kind of refusal (README, Errors): field errors are 400, a rule refused
 * on the resource's current state is 409 whether it is a uniqueness clash or a rule of
 * the guide, a stale If-Match is 412.
 */
const KIND_STATUS: Record<DomainError['kind'], number> = { invalid: 400, 'not-found': 404, conflict: 409, rule: 409 };

/** Every refusal with field errors carries this one code, whichever rule found them. */
export const VALIDATION_FAILED = 'validation-failed';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const STATUS_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
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

/** Errors raised by Express' body parsers carry a `type` and a `status`. */
interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
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
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { problem, headers } = this.toProblem(exception);
    problem.instance = request.originalUrl?.split('?')[0];
    if (problem.status >= 500)
      this.logger.error({ err: exception, path: problem.instance, correlationId: request.headers['x-correlation-id'] }, 'request failed');
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  toProblem(exception: unknown): { problem: ProblemDetails; headers: Record<string, string> } {
    const make = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}): ProblemDetails => ({
      type: problemType(code),
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      code,
      ...extra,
    });

    if (exception instanceof ProblemException) {
      const status = exception.getStatus();
      const code = status === 400 && Array.isArray(exception.extensions.errors) ? VALIDATION_FAILED : exception.code;
      return { problem: make(status, code, exception.message, exception.extensions), headers: exception.headers };
    }

    if (exception instanceof DomainError) {
      const { errors, ...rest } = exception.details;
      const status = KIND_STATUS[exception.kind];
      const code = exception.kind === 'invalid' ? VALIDATION_FAILED : exception.code;
      return { problem: make(status, code, exception.message, { ...rest, ...(errors ? { errors } : {}) }), headers: {} };
    }

    if (isStorageError(exception))
      return {
        problem: make(503, 'storage-unavailable', 'The service could not read or write its data (storage unavailable). Try again shortly; the same Idempotency-Key makes a retried write safe.', {
          retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS,
        }),
        headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) },
      };

    if (exception instanceof WrongExpectedRevisionError)
      return {
        problem: make(409, 'concurrency-conflict', 'The resource was changed by someone else at the same time; reload it and try again'),
        headers: {},
      };

    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // /health when a check fails (terminus): say which, rather than a bare 503.
      const body = exception.getResponse() as { details?: unknown; error?: unknown };
      if (status === 503 && body && typeof body === 'object' && body.details)
        return { problem: make(503, 'unhealthy', 'A dependency of the service is failing', { checks: body.details, failing: body.error }), headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) } };
      const code = STATUS_CODES[status] ?? (status >= 500 ? 'internal-error' : 'error');
      const detail = status === 404 ? 'No such route or resource' : status >= 500 ? 'An unexpected error occurred' : exception.message;
      return { problem: make(status, code, detail), headers: {} };
    }

    const bodyError = exception as BodyParserError;
    if (bodyError && typeof bodyError === 'object' && typeof bodyError.type === 'string' && (bodyError.status ?? bodyError.statusCode)) {
      const status = (bodyError.status ?? bodyError.statusCode)!;
      if (bodyError.type === 'entity.too.large') return { problem: make(413, 'payload-too-large', 'The request body is too large'), headers: {} };
      if (bodyError.type === 'entity.parse.failed') return { problem: make(400, 'malformed-json', 'The request body is not valid JSON'), headers: {} };
      if (bodyError.type === 'encoding.unsupported' || bodyError.type === 'charset.unsupported')
        return { problem: make(415, 'unsupported-media-type', 'Unsupported body encoding'), headers: {} };
      if (status < 500) return { problem: make(status, STATUS_CODES[status] ?? 'bad-request', 'The request body could not be read'), headers: {} };
    }

    return { problem: make(HttpStatus.INTERNAL_SERVER_ERROR, 'internal-error', 'An unexpected error occurred'), headers: {} };
  }
}
