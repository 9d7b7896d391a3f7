import { HttpException } from '@nestjs/common';
import { errorEntry, type ErrorCode, type FieldError } from '#domain';

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

/** An error of the HTTP layer (a guard, a pipe, a controller), answered with its code's status from the catalogue. */
export class ProblemException extends HttpException {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
    status = errorEntry(code).status,
  ) {
    super(detail, status);
  }
}

/** A refused single sign-on sign-in: the code's sign-in status (403) where it differs from its command status. */
export class SignInRefused extends ProblemException {
  constructor(code: ErrorCode, detail: string) {
    const entry = errorEntry(code);
    super(code, detail, {}, {}, entry.signInStatus ?? entry.status);
  }
}

export const badRequest = (code: ErrorCode, detail: string, errors?: FieldError[]) => new ProblemException(code, detail, errors ? { errors } : {});

/**
 * The one answer for an organization that does not exist or is not the caller's:
 * the same code and words either way, so another tenant's ids are never confirmed.
 */
export const ORGANIZATION_NOT_FOUND = { code: 'organization-not-found', detail: 'No such organization' } as const satisfies { code: ErrorCode; detail: string };
export const organizationNotFound = () => new ProblemException(ORGANIZATION_NOT_FOUND.code, ORGANIZATION_NOT_FOUND.detail);
