import { HttpException, HttpStatus } from '@nestjs/common';
import type { FieldError } from '#domain';

/** An RFC 9457 problem details body, with the stable `code` clients branch on. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const problemType = (code: string): string => `urn:problem:organization-service:${code}`;

/** An application error that already knows its status and code. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }
}

export const badRequest = (code: string, detail: string, errors?: FieldError[]) =>
  new ProblemException(HttpStatus.BAD_REQUEST, code, detail, errors ? { errors } : {});
export const conflict = (code: string, detail: string, extensions: Record<string, unknown> = {}) =>
  new ProblemException(HttpStatus.CONFLICT, code, detail, extensions);

/**
 * The one answer for an organization that does not exist or is not the caller's:
 * the same code and words either way, so another tenant's ids are never confirmed.
 */
export const ORGANIZATION_NOT_FOUND = { code: 'organization-not-found', detail: 'No such organization' } as const;
export const organizationNotFound = () => new ProblemException(HttpStatus.NOT_FOUND, ORGANIZATION_NOT_FOUND.code, ORGANIZATION_NOT_FOUND.detail);
