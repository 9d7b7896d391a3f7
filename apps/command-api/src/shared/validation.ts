import { applyDecorators, ValidationPipe, type ValidationError } from '@nestjs/common';
import { IsDefined, ValidateIf } from 'class-validator';
import type { FieldError } from '#domain';
import { badRequest } from './problem.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Every DTO is validated; unknown fields are refused rather than silently dropped,
 * and every problem is listed with its field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // One message per field: a missing name is "firstName is required", not also "must be a string".
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return badRequest('validation-failed', fieldErrors.map((e) => e.message).join('; '), fieldErrors);
    },
  });
}

/**
 * For routes that take no body: anything sent is refused like an unknown field,
 * rather than silently ignored (a client sending `{ inArrearsAt }` must learn it
 * cannot set the date).
 */
export const NoBody = {
  transform(value: unknown): undefined {
    if (value === undefined || value === null || (typeof value === 'object' && Object.keys(value as object).length === 0)) return undefined;
    const keys = typeof value === 'object' ? Object.keys(value as object) : ['body'];
    const errors = keys.map((field) => ({ field, message: `property ${field} should not exist` }));
    throw badRequest('validation-failed', 'This request takes no body', errors);
  },
};

/**
 * The fields of a merge patch that were sent: a DTO instance has every declared field,
 * absent ones as `undefined`, and absent must mean "leave as it is" (`null` is kept: it
 * clears).
 */
export function sentFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * A field of a merge patch (RFC 7396) that cannot be cleared: absent, it is left alone
 * and not validated; present, it is checked like any field, and `null` is refused
 * rather than taken as "clear".
 */
export const PatchField = (field: string) =>
  applyDecorators(
    ValidateIf((_object, value) => value !== undefined),
    IsDefined({ message: `${field} cannot be cleared` }),
  );

/** A query flag as a boolean: `true` and `false` become booleans; anything else stays for @IsBoolean to refuse with its message. */
export const booleanQuery = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);
