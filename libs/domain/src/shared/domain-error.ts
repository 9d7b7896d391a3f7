/**
 * How a rule was broken decides the HTTP answer, so the domain says it without
 * knowing about HTTP:
 * - invalid:   the input itself is malformed or out of bounds (400)
 * - not-found: the target does not exist (404)
 * - conflict:  the request clashes with the current state (409)
 * - rule:      well formed, but a business rule refuses it (422)
 */
export type DomainErrorKind = 'invalid' | 'not-found' | 'conflict' | 'rule';

export interface FieldError {
  field: string;
  message: string;
}

/** A broken rule, with a stable kebab-case `code` that clients may depend on. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rule',
    readonly details: { errors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationFailed extends DomainError {
  constructor(code: string, errors: FieldError[]) {
    super(code, errors.map((e) => e.message).join('; '), 'invalid', { errors });
    this.name = 'ValidationFailed';
  }
}
