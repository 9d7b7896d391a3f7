import type { Doc, Filter, Update } from '../read-store.port.js';

/**
 * Documents in JavaScript: the filter matcher, the update operators and projections the
 * SQLite read store applies to a document it already holds (the write path reads a
 * document by `_id` once per batch and applies every write to it in memory; the search
 * index checks its candidates). The matcher has the semantics of the SQL the store
 * compiles for the same filter (`filter-sql.ts`); a test runs both on the same documents.
 */

export const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));

export function getPath(doc: Record<string, unknown>, path: string): unknown {
  if (!path.includes('.')) return doc[path];
  let value: unknown = doc;
  for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

export function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  if (!path.includes('.')) {
    doc[path] = value;
    return;
  }
  const keys = path.split('.');
  let target = doc;
  for (const key of keys.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1]] = value;
}

export function unsetPath(doc: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  const parent = keys.length === 1 ? doc : getPath(doc, keys.slice(0, -1).join('.'));
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[keys[keys.length - 1]];
}

export const sameValue = (a: unknown, b: unknown): boolean =>
  a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b));

/** A copy of a value that is about to be stored: the caller's objects stay the caller's. */
const own = (value: unknown): unknown => (value !== null && typeof value === 'object' ? structuredClone(value) : value);

/**
 * Applies `update` to `doc` in place and says whether anything changed. The document
 * must be the caller's own (freshly parsed or built): values from the update are copied.
 */
export function applyUpdateInPlace(doc: Record<string, unknown>, update: Update, inserting: boolean): boolean {
  let changed = false;
  const put = (path: string, next: unknown) => {
    if (!sameValue(getPath(doc, path), next)) {
      setPath(doc, path, next);
      changed = true;
    }
  };
  for (const [operator, fields] of Object.entries(update)) {
    for (const [path, value] of Object.entries(fields ?? {})) {
      const current = getPath(doc, path);
      switch (operator) {
        case '$set':
          put(path, own(value));
          break;
        case '$setOnInsert':
          if (inserting) put(path, own(value));
          break;
        case '$unset':
          if (current !== undefined) {
            unsetPath(doc, path);
            changed = true;
          }
          break;
        case '$inc':
          put(path, (typeof current === 'number' ? current : 0) + (value as number));
          break;
        case '$max':
          if (current === undefined || (value as number) > (current as number)) put(path, value);
          break;
        case '$min':
          if (current === undefined || (value as number) < (current as number)) put(path, value);
          break;
        case '$push':
        case '$addToSet': {
          const list = Array.isArray(current) ? [...current] : [];
          const items = value && typeof value === 'object' && '$each' in (value as object) ? ((value as { $each: unknown[] }).$each ?? []) : [value];
          for (const item of items) if (operator === '$push' || !list.some((existing) => sameValue(existing, item))) list.push(own(item));
          put(path, list);
          break;
        }
        case '$pull': {
          // A value, or { $in: [...] } (MongoDB's condition for several values at once).
          const pulled = value && typeof value === 'object' && '$in' in (value as object) ? ((value as { $in: unknown[] }).$in ?? []) : [value];
          if (Array.isArray(current)) put(path, current.filter((existing) => !pulled.some((p) => sameValue(existing, p))));
          break;
        }
        default:
          throw new Error(`unsupported update operator ${operator}`);
      }
    }
  }
  return changed;
}

/** The equality fields of a filter: what an upsert inserts before its update. */
export function equalityFields(filter: Filter): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) if (!key.startsWith('$') && !isOperatorObject(value)) setPath(fields, key, own(value));
  return fields;
}

export function project<T extends Doc>(doc: T, projection: Record<string, 0 | 1> | undefined): T {
  if (!projection || Object.keys(projection).length === 0) return doc;
  const including = Object.entries(projection).some(([key, on]) => on === 1 && key !== '_id');
  if (!including) {
    const copy = { ...doc } as Record<string, unknown>;
    for (const [key, on] of Object.entries(projection)) if (on === 0) unsetPath(copy, key);
    return copy as T;
  }
  const picked: Record<string, unknown> = projection._id === 0 ? {} : { _id: doc._id };
  for (const [key, on] of Object.entries(projection))
    if (on === 1 && key !== '_id') {
      const value = getPath(doc, key);
      if (value !== undefined) setPath(picked, key, value);
    }
  return picked as T;
}

// ---- The matcher ------------------------------------------------------------------------

/** Like with like: numbers with numbers, strings with strings, booleans with booleans. */
const comparable = (a: unknown, b: unknown): boolean => typeof a === typeof b && (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean');

/** The field's value, or each element when it is an array (as `json_each` walks it). */
const elementsOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function equals(value: unknown, expected: unknown): boolean {
  if (expected === null || expected === undefined) return value === null || value === undefined;
  if (typeof expected === 'object') return value !== undefined && sameValue(value, expected);
  return elementsOf(value).some((element) => element === expected);
}

const compare = { $gt: (a: never, b: never) => a > b, $gte: (a: never, b: never) => a >= b, $lt: (a: never, b: never) => a < b, $lte: (a: never, b: never) => a <= b };

/** Compiled regular expressions by pattern: search terms repeat, and come from users (bounded). */
const patterns = new Map<string, RegExp>();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** A lone surrogate reaches SQLite as U+FFFD (UTF-8 has no encoding for it). */
export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

export function regexpOf(rawPattern: string, flags: string): RegExp {
  // A pattern reaches SQLite as UTF-8, where a lone surrogate is U+FFFD: the same here, so
  // the matcher and the SQL agree.
  const pattern = rawPattern.replace(LONE_SURROGATES, '\uFFFD');
  const key = `${flags}/${pattern}`;
  let regexp = patterns.get(key);
  if (!regexp) {
    if (patterns.size >= 1_000) patterns.clear();
    patterns.set(key, (regexp = new RegExp(pattern, flags)));
  }
  return regexp;
}

function fieldMatches(value: unknown, condition: unknown): boolean {
  if (!isOperatorObject(condition)) return equals(value, condition);
  for (const [operator, operand] of Object.entries(condition)) {
    switch (operator) {
      case '$eq':
        if (!equals(value, operand)) return false;
        break;
      case '$ne':
        if (equals(value, operand)) return false;
        break;
      case '$in':
        if (!(operand as unknown[]).some((option) => equals(value, option))) return false;
        break;
      case '$nin':
        if ((operand as unknown[]).some((option) => equals(value, option))) return false;
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (!elementsOf(value).some((element) => comparable(element, operand) && compare[operator](element as never, operand as never))) return false;
        break;
      case '$exists':
        if ((value !== undefined) !== Boolean(operand)) return false;
        break;
      case '$regex': {
        const regexp = regexpOf(String(operand), typeof condition.$options === 'string' ? condition.$options : '');
        if (!elementsOf(value).some((element) => typeof element === 'string' && regexp.test(element))) return false;
        break;
      }
      case '$options':
        break;
      default:
        throw new Error(`unsupported filter operator ${operator}`);
    }
  }
  return true;
}

/** Whether `doc` matches `filter` (MongoDB's semantics for the subset the port supports). */
export function matches(doc: Record<string, unknown>, filter: Filter): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and') {
      if (!(value as Filter[]).every((f) => matches(doc, f))) return false;
    } else if (key === '$or') {
      const branches = value as Filter[];
      if (branches.length > 0 && !branches.some((f) => matches(doc, f))) return false;
    } else if (key === '$nor') {
      if ((value as Filter[]).some((f) => matches(doc, f))) return false;
    } else if (key.startsWith('$')) throw new Error(`unsupported filter operator ${key}`);
    else if (!fieldMatches(key === '_id' ? doc._id : getPath(doc, key), value)) return false;
  }
  return true;
}

/** The fields a filter reads (for deciding whether a partial document can answer it). */
export function fieldsOf(filter: Filter, into = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') for (const branch of value as Filter[]) fieldsOf(branch, into);
    else into.add(key);
  }
  return into;
}
