import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '../../../../libs/domain/src/index.js';
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
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return badRequest('validation-failed', fieldErrors.map((e) => e.message).join('; '), fieldErrors);
    },
  });
}
