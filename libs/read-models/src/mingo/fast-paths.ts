/**
 * Fast paths for the MongoDB subset that projections and queries use. mingo builds a
 * fresh operator context for every query and update, which dominates a rebuild; these
 * compile the common shapes to plain functions and say "unsupported" (null) for
 * anything else, which then goes to mingo. The read store contract suite holds both
 * paths to MongoDB's behaviour.
 */
type Doc = Record<string, unknown>;
export type Predicate = (doc: Doc) => boolean;

export function valueAt(doc: unknown, path: string): unknown {
  if (!path.includes('.')) return doc === null || typeof doc !== 'object' ? undefined : (doc as Doc)[path];
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Doc)[part];
  }
  return value;
}

const isPrimitive = (v: unknown): v is string | number | boolean | null => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isPlainObject = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RegExp) && !(v instanceof Date);

/** Equality as MongoDB applies it to a field: missing equals null, and an array matches if an element does. */
function equals(field: unknown, value: string | number | boolean | null): boolean {
  if (value === null) return field === null || field === undefined;
  if (Array.isArray(field)) return field.includes(value);
  return field === value;
}

/** Range comparisons only between values of the same kind (MongoDB's type bracketing). */
function comparable(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

/** A reader for one path: a plain property read when the path has no dots. */
function reader(path: string): (doc: Doc) => unknown {
  return path.includes('.') ? (doc) => valueAt(doc, path) : (doc) => doc[path];
}

function compileCondition(path: string, condition: unknown): Predicate | null {
  const read = reader(path);
  if (isPrimitive(condition)) return (doc) => equals(read(doc), condition);
  if (condition instanceof RegExp) return (doc) => matchesRegex(read(doc), condition);
  if (!isPlainObject(condition)) return null;
  const parts: Predicate[] = [];
  const keys = Object.keys(condition);
  if (keys.length === 0 || keys.some((k) => !k.startsWith('$'))) return null;
  for (const op of keys) {
    const arg = condition[op];
    switch (op) {
      case '$eq':
        if (!isPrimitive(arg)) return null;
        parts.push((doc) => equals(read(doc), arg));
        break;
      case '$ne':
        if (!isPrimitive(arg)) return null;
        parts.push((doc) => !equals(read(doc), arg));
        break;
      case '$in':
        if (!Array.isArray(arg) || !arg.every(isPrimitive)) return null;
        parts.push((doc) => {
          const field = read(doc);
          return arg.some((v) => equals(field, v));
        });
        break;
      case '$nin':
        if (!Array.isArray(arg) || !arg.every(isPrimitive)) return null;
        parts.push((doc) => {
          const field = read(doc);
          return !arg.some((v) => equals(field, v));
        });
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        if (typeof arg !== 'number' && typeof arg !== 'string') return null;
        const bound = arg as number;
        const test =
          op === '$gt' ? (a: number) => a > bound : op === '$gte' ? (a: number) => a >= bound : op === '$lt' ? (a: number) => a < bound : (a: number) => a <= bound;
        parts.push((doc) => {
          const field = read(doc);
          return comparable(field, arg) && test(field as number);
        });
        break;
      }
      case '$exists':
        parts.push((doc) => (read(doc) !== undefined) === Boolean(arg));
        break;
      case '$regex': {
        const options = typeof condition.$options === 'string' ? condition.$options : '';
        if (!/^[imsx]*$/.test(options) || options.includes('x')) return null;
        const source = arg instanceof RegExp ? arg.source : typeof arg === 'string' ? arg : null;
        if (source === null) return null;
        const flags = options + (arg instanceof RegExp ? arg.flags.replace(/[gy]/g, '') : '');
        // A search box's pattern is an escaped literal: a substring test does the same, faster.
        const literal = flags === '' ? literalOf(source) : null;
        if (literal !== null) {
          parts.push((doc) => {
            const field = read(doc);
            return typeof field === 'string' ? field.includes(literal) : Array.isArray(field) && field.some((f) => typeof f === 'string' && f.includes(literal));
          });
          break;
        }
        const regex = new RegExp(source, flags);
        parts.push((doc) => matchesRegex(read(doc), regex));
        break;
      }
      case '$options':
        if (!('$regex' in condition)) return null;
        break;
      default:
        return null;
    }
  }
  return parts.length === 1 ? parts[0] : (doc) => parts.every((p) => p(doc));
}

/** The text a pattern matches literally (only escaped metacharacters), or null. */
export function literalOf(source: string): string | null {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || !/[.*+?^${}()|[\]\\/-]/.test(next)) return null;
      out += next;
      i++;
    } else if (/[.*+?^${}()|[\]]/.test(c)) return null;
    else out += c;
  }
  return out;
}

function matchesRegex(field: unknown, regex: RegExp): boolean {
  if (typeof field === 'string') return regex.test(field);
  if (Array.isArray(field)) return field.some((f) => typeof f === 'string' && regex.test(f));
  return false;
}

/** Compiles a filter to a predicate, or returns null when it uses something not covered here. */
export function compileFilter(filter: Doc): Predicate | null {
  const parts: Predicate[] = [];
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key === '$or' || key === '$and') {
      if (!Array.isArray(value) || value.length === 0) return null;
      const branches = value.map((f) => (isPlainObject(f) ? compileFilter(f) : null));
      if (branches.some((b) => b === null)) return null;
      const compiled = branches as Predicate[];
      parts.push(key === '$or' ? (doc) => compiled.some((b) => b(doc)) : (doc) => compiled.every((b) => b(doc)));
      continue;
    }
    if (key.startsWith('$')) return null;
    const condition = compileCondition(key, value);
    if (!condition) return null;
    parts.push(condition);
  }
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0];
  return (doc) => {
    for (const part of parts) if (!part(doc)) return false;
    return true;
  };
}

// ---- Updates ---------------------------------------------------------------------------

function cloneValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.slice();
  return structuredClone(value);
}

/** Sets a (dotted) path on a copy-on-write document: objects along the path are copied, not changed. */
function setPath(doc: Doc, path: string, value: unknown): void {
  if (!path.includes('.')) {
    doc[path] = value;
    return;
  }
  const parts = path.split('.');
  let target = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const current = target[parts[i]];
    const copy = isPlainObject(current) ? { ...current } : {};
    target[parts[i]] = copy;
    target = copy;
  }
  target[parts[parts.length - 1]] = value;
}

function unsetPath(doc: Doc, path: string): void {
  const parts = path.split('.');
  let target = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const current = target[parts[i]];
    if (!isPlainObject(current)) return;
    const copy = { ...current };
    target[parts[i]] = copy;
    target = copy;
  }
  delete target[parts[parts.length - 1]];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Applies `$set`, `$setOnInsert` (when inserting), `$inc` and `$unset` to a copy of the
 * document. Returns the new document and whether anything changed, or null when the
 * update uses another operator (the caller then falls back to mingo).
 */
export function applySimpleUpdate(doc: Doc, update: Doc, inserting: boolean): { next: Doc; changed: boolean } | null {
  for (const op of Object.keys(update)) if (!['$set', '$setOnInsert', '$inc', '$unset'].includes(op)) return null;
  const next: Doc = { ...doc };
  let changed = inserting;
  const sets = { ...(inserting ? ((update.$setOnInsert as Doc) ?? {}) : {}), ...((update.$set as Doc) ?? {}) };
  for (const path in sets) {
    const value = sets[path];
    if (inserting) {
      setPath(next, path, cloneValue(value));
      continue;
    }
    if (path === '_id') continue;
    if (!sameValue(valueAt(next, path), value)) {
      setPath(next, path, cloneValue(value));
      changed = true;
    }
  }
  for (const [path, by] of Object.entries((update.$inc as Doc) ?? {})) {
    if (typeof by !== 'number') return null;
    const current = valueAt(next, path);
    if (current !== undefined && typeof current !== 'number') return null;
    setPath(next, path, ((current as number | undefined) ?? 0) + by);
    if (by !== 0 || current === undefined) changed = true;
  }
  for (const path of Object.keys((update.$unset as Doc) ?? {})) {
    if (valueAt(next, path) !== undefined) {
      unsetPath(next, path);
      changed = true;
    }
  }
  return { next, changed };
}

// ---- Sorting -----------------------------------------------------------------------------

/** MongoDB's order for the types read models use: missing/null, numbers, strings, booleans. */
function rank(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 4;
  return 3;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 3) return 0;
  return (a as never) < (b as never) ? -1 : (a as never) > (b as never) ? 1 : 0;
}

export function sortComparator(sort: Record<string, 1 | -1>): ((a: Doc, b: Doc) => number) | null {
  const keys = Object.entries(sort);
  return (a, b) => {
    for (const [path, direction] of keys) {
      const c = compareValues(valueAt(a, path), valueAt(b, path));
      if (c !== 0) return c * direction;
    }
    return 0;
  };
}

/**
 * The first `count` documents in sort order without sorting them all: a bounded,
 * sorted buffer, so a page of 25 out of 100,000 matches costs one pass.
 */
export function topK(docs: Iterable<Doc>, compare: (a: Doc, b: Doc) => number, count: number): Doc[] {
  const top: Doc[] = [];
  for (const doc of docs) {
    if (top.length === count && compare(doc, top[count - 1]) >= 0) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(top[mid], doc) <= 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, doc);
    if (top.length > count) top.pop();
  }
  return top;
}

/** Top-level inclusion or exclusion projections; null for anything richer. */
export function simpleProjection(projection: Record<string, 0 | 1>): ((doc: Doc) => Doc) | null {
  const entries = Object.entries(projection);
  if (entries.some(([k, v]) => k.includes('.') || (v !== 0 && v !== 1))) return null;
  const include = entries.filter(([k, v]) => v === 1 && k !== '_id').map(([k]) => k);
  const excludeId = projection._id === 0;
  if (include.length > 0) {
    if (entries.some(([k, v]) => v === 0 && k !== '_id')) return null;
    return (doc) => {
      const out: Doc = excludeId ? {} : { _id: doc._id };
      for (const k of include) if (doc[k] !== undefined) out[k] = doc[k];
      return out;
    };
  }
  const exclude = new Set(entries.filter(([, v]) => v === 0).map(([k]) => k));
  return (doc) => Object.fromEntries(Object.entries(doc).filter(([k]) => !exclude.has(k)));
}

/**
 * Applies `$set`, `$inc` and `$unset` on top-level fields to the document itself.
 * Only for a document the current batch already copied (nobody else holds it).
 * Returns whether anything changed, or null when the update needs the copying path.
 */
export function applyInPlace(doc: Doc, update: Doc, untouchable: ReadonlySet<string>): boolean | null {
  for (const op in update) if (op !== '$set' && op !== '$inc' && op !== '$unset') return null;
  const set = (update.$set as Doc) ?? {};
  const inc = (update.$inc as Doc) ?? {};
  const unset = (update.$unset as Doc) ?? {};
  for (const group of [set, inc, unset]) for (const path in group) if (path.includes('.') || path === '_id' || untouchable.has(path)) return null;
  for (const path in inc) if (typeof inc[path] !== 'number' || (doc[path] !== undefined && typeof doc[path] !== 'number')) return null;
  let changed = false;
  for (const path in set) {
    const value = set[path];
    if (!sameValue(doc[path], value)) {
      doc[path] = cloneValue(value);
      changed = true;
    }
  }
  for (const path in inc) {
    const by = inc[path] as number;
    const current = doc[path] as number | undefined;
    doc[path] = (current ?? 0) + by;
    if (by !== 0 || current === undefined) changed = true;
  }
  for (const path in unset) {
    if (doc[path] !== undefined) {
      delete doc[path];
      changed = true;
    }
  }
  return changed;
}
