import xapiValidation from '@learninglocker/xapi-validation';
import { ValidationFailed, type Statement } from '#domain';

type Warning = { name?: string; path?: (string | number)[]; typeName?: string; keys?: string[]; data?: unknown };
// The package is CommonJS with a default export: Node's ESM loader hands over its exports object.
const validate = ((xapiValidation as unknown as { default?: unknown }).default ?? xapiValidation) as (data: unknown) => Warning[];

/** At most this many statements in one request: a batch is one append, and an append has a size limit. */
export const MAX_STATEMENTS_PER_REQUEST = 500;
/** At most this many field errors in one answer: the first ones tell the client what is wrong. */
const ERRORS_SHOWN = 20;

/** The validator's warnings in words a developer of learning content can act on. */
function describe(warning: Warning): string {
  switch (warning.name) {
    case 'RequiredWarning':
      return 'is required';
    case 'TypeWarning':
      return warning.typeName ? `is not a valid ${warning.typeName}` : 'has the wrong type';
    case 'RestrictedKeysWarning':
      return `has properties xAPI does not allow here${warning.keys ? ` (allowed: ${warning.keys.join(', ')})` : ''}`;
    case 'NoIfiWarning':
      return 'has no identifier (mbox, mbox_sha1sum, openid or account)';
    case 'IfiCountWarning':
      return 'has more than one identifier (mbox, mbox_sha1sum, openid, account): give exactly one';
    case 'VoidWarning':
      return 'voids something that is not a StatementRef';
    default:
      return `is not valid (${warning.name ?? 'invalid'})`;
  }
}

/**
 * The statements of a request body, checked against xAPI 1.0.3 by a maintained validator
 * (Learning Locker's): one statement or a list of them, every one valid, or 400 with each
 * problem's place (`statements[3].actor.mbox`). A batch is all or nothing.
 */
export function validStatements(body: unknown, single: boolean): Statement[] {
  const list = Array.isArray(body) ? body : [body];
  if (single && Array.isArray(body)) throw new ValidationFailed('invalid-xapi-statement', [{ field: 'body', message: 'PUT stores one statement; POST takes a list' }]);
  if (list.length === 0) throw new ValidationFailed('invalid-xapi-statement', [{ field: 'body', message: 'send at least one statement' }]);
  if (list.length > MAX_STATEMENTS_PER_REQUEST)
    throw new ValidationFailed('invalid-xapi-statement', [{ field: 'body', message: `send at most ${MAX_STATEMENTS_PER_REQUEST} statements per request` }]);
  const errors: { field: string; message: string }[] = [];
  list.forEach((statement, index) => {
    if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) {
      errors.push({ field: `statements[${index}]`, message: `statements[${index}] is not a statement (a JSON object)` });
      return;
    }
    for (const warning of validate(statement)) {
      const path = (warning.path ?? []).slice(1).join('.');
      const field = `statements[${index}]${path ? `.${path}` : ''}`;
      errors.push({ field, message: `${field} ${describe(warning)}` });
    }
  });
  if (errors.length > 0) throw new ValidationFailed('invalid-xapi-statement', errors.slice(0, ERRORS_SHOWN));
  return list as Statement[];
}
