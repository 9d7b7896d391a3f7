import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';

export interface FieldError {
  field: string;
  message: string;
  /** For a row of a file: its line. */
  line?: number;
}

/**
 * A broken rule, with a stable kebab-case `code` that clients may depend on. How it is
 * answered (its HTTP status) is the code's entry in the error catalogue, so the domain
 * names the rule and never decides about HTTP.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { errors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}

/** Malformed or out-of-bounds input: answered as `validation-failed` with every field error. */
export class ValidationFailed extends DomainError {
  constructor(code: ErrorCode, errors: FieldError[]) {
    super(code, errors.map((e) => e.message).join('; '), { errors });
    this.name = 'ValidationFailed';
  }
}
