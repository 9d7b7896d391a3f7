import { randomUUID } from 'node:crypto';
import { Aggregator, Query, update as applyUpdate } from 'mingo';
import { applyInPlace, applySimpleUpdate, compileFilter, simpleProjection, sortComparator, topK, valueAt, type Predicate } from './fast-paths.js';
import { SubstringIndex } from './substring-index.js';
import {
  addResults,
  DuplicateKeyError,
  emptyWriteResult,
  type CollectionWriteOp,
  type Doc,
  type Filter,
  type FindOptions,
  type IndexSpec,
  type ReadCollection,
  type ReadStore,
  type Update,
  type WriteOp,
  type WriteResult,
} from '../read-store.port.js';

type Primitive = string | number | boolean | null;
const isPrimitive = (v: unknown): v is Primitive => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Values a document is indexed under for a field: each element of an array (multikey), or the value itself. */
function indexValues(doc: Doc, field: string): Primitive[] {
  const value = valueAt(doc, field);
  if (Array.isArray(value)) return value.filter(isPrimitive);
  if (value === undefined) return [null];
  return isPrimitive(value) ? [value] : [];
}

/** The equality constraint a filter puts on a field, if it is one an index can serve. */
function equalityValues(condition: unknown): Primitive[] | null {
  if (isPrimitive(condition)) return [condition];
  if (condition && typeof condition === 'object' && !Array.isArray(condition)) {
    const keys = Object.keys(condition);
    if (keys.length === 1 && keys[0] === '$eq' && isPrimitive((condition as { $eq: unknown }).$eq)) return [(condition as { $eq: Primitive }).$eq];
    if (keys.length === 1 && keys[0] === '$in' && Array.isArray((condition as { $in: unknown[] }).$in) && (condition as { $in: unknown[] }).$in.every(isPrimitive))
      return (condition as { $in: Primitive[] }).$in;
  }
  return null;
}

interface UndoEntry {
  collection: MingoCollection;
  id: string;
  previous: Doc | undefined;
}

/**
 * One collection held in memory. Documents live in a Map by `_id`; each declared
 * index keeps, for its first field, a map from value to ids, so a query that pins
 * that field (an organization id, say) reads only the matching documents instead
 * of scanning every organization's. Unique indexes are enforced like MongoDB's.
 */
class MingoCollection implements ReadCollection {
  readonly docs = new Map<string, Doc>();
  /**
   * Per indexed field: value -> the one document under it (most values are unique) or
   * a set of documents. References, not ids: a query walks them without a lookup each.
   */
  private readonly equality = new Map<string, Map<Primitive, Doc | Set<Doc>>>();
  private readonly unique: { spec: IndexSpec; fields: string[]; owners: Map<string, string> }[] = [];
  private readonly indexNames = new Set<string>();
  /** Fields no in-place update may touch: every indexed field. */
  private readonly indexedFields = new Set<string>();
  private readonly substring: SubstringIndex[] = [];

  constructor(
    readonly name: string,
    private readonly store: MingoReadStore,
  ) {}

  // ---- indexes ---------------------------------------------------------------------
  async createIndex(spec: IndexSpec): Promise<string> {
    const fields = Object.keys(spec.keys);
    const name = spec.name ?? fields.map((f) => `${f}_${spec.keys[f]}`).join('_');
    if (this.indexNames.has(name)) return name;
    this.indexNames.add(name);
    for (const field of [...fields, ...(spec.substring ?? [])]) this.indexedFields.add(field.split('.')[0]);
    if (spec.substring) {
      const index = new SubstringIndex(fields[0], spec.substring);
      for (const doc of this.docs.values()) index.put(undefined, doc);
      this.substring.push(index);
      return name;
    }
    const first = fields[0];
    if (!this.equality.has(first)) {
      const map = new Map<Primitive, Doc | Set<Doc>>();
      this.equality.set(first, map);
      for (const doc of this.docs.values()) this.addTo(map, first, doc);
    }
    if (spec.unique) {
      const entry = { spec, fields, owners: new Map<string, string>() };
      for (const doc of this.docs.values()) {
        const key = this.uniqueKey(fields, doc);
        if (entry.owners.has(key)) throw new DuplicateKeyError(this.name, key);
        entry.owners.set(key, doc._id);
      }
      this.unique.push(entry);
    }
    return name;
  }

  private addTo(map: Map<Primitive, Doc | Set<Doc>>, field: string, doc: Doc): void {
    for (const value of indexValues(doc, field)) {
      const entry = map.get(value);
      if (entry === undefined) map.set(value, doc);
      else if (entry instanceof Set) entry.add(doc);
      else if (entry !== doc) map.set(value, new Set([entry, doc]));
    }
  }

  private removeFrom(map: Map<Primitive, Doc | Set<Doc>>, field: string, doc: Doc): void {
    for (const value of indexValues(doc, field)) {
      const entry = map.get(value);
      if (entry === undefined) continue;
      if (!(entry instanceof Set)) {
        if (entry === doc) map.delete(value);
        continue;
      }
      entry.delete(doc);
      if (entry.size === 1) map.set(value, entry.values().next().value!);
      else if (entry.size === 0) map.delete(value);
    }
  }

  /** Puts `next` in the place of `previous` under an unchanged value. */
  private swapIn(map: Map<Primitive, Doc | Set<Doc>>, field: string, previous: Doc, next: Doc): void {
    for (const value of indexValues(next, field)) {
      const entry = map.get(value);
      if (entry instanceof Set) {
        entry.delete(previous);
        entry.add(next);
      } else map.set(value, next);
    }
  }

  private uniqueKey(fields: string[], doc: Doc): string {
    return JSON.stringify(fields.map((f) => valueAt(doc, f) ?? null));
  }

  /** Replaces (or removes, with `next` undefined) one document, keeping every index right. */
  put(id: string, next: Doc | undefined, undo?: UndoEntry[]): void {
    const previous = this.docs.get(id);
    for (const entry of this.unique) {
      if (!next) continue;
      const key = this.uniqueKey(entry.fields, next);
      const owner = entry.owners.get(key);
      if (owner !== undefined && owner !== id) throw new DuplicateKeyError(this.name, key);
    }
    // Indexes change only where an indexed value did: most updates touch none.
    for (const [field, map] of this.equality) {
      if (previous && next && valueAt(previous, field) === valueAt(next, field)) {
        this.swapIn(map, field, previous, next);
        continue;
      }
      if (previous) this.removeFrom(map, field, previous);
      if (next) this.addTo(map, field, next);
    }
    for (const index of this.substring) index.put(previous, next);
    for (const entry of this.unique) {
      const before = previous ? this.uniqueKey(entry.fields, previous) : null;
      const after = next ? this.uniqueKey(entry.fields, next) : null;
      if (before === after) continue;
      if (before !== null) entry.owners.delete(before);
      if (after !== null) entry.owners.set(after, id);
    }
    if (next) this.docs.set(id, next);
    else this.docs.delete(id);
    if (next && undo) this.store.fresh?.add(next);
    undo?.push({ collection: this, id, previous });
  }

  // ---- reads -------------------------------------------------------------------------
  /** The smallest set of documents an index proves is enough to test against the filter. */
  /**
   * The candidates, and the field whose condition they satisfy by construction (a
   * single-value equality served by an index), if any.
   */
  private candidatesOf(filter: Filter): { docs: Iterable<Doc>; satisfied: string[] } {
    if (typeof filter._id === 'string') {
      const doc = this.docs.get(filter._id);
      return { docs: doc ? [doc] : [], satisfied: ['_id'] };
    }
    for (const index of this.substring) {
      const found = index.candidates(filter);
      if (found) return found;
    }
    let best: Iterable<Doc> | null = null;
    let bestSize = Infinity;
    let satisfied: string[] = [];
    for (const [field, map] of this.equality) {
      const values = equalityValues(filter[field]);
      if (!values) continue;
      let docs: Doc[] | Set<Doc>;
      if (values.length === 1) {
        const entry = map.get(values[0]);
        docs = entry === undefined ? [] : entry instanceof Set ? entry : [entry];
      } else {
        const union = new Set<Doc>();
        for (const value of values) {
          const entry = map.get(value);
          if (entry instanceof Set) for (const doc of entry) union.add(doc);
          else if (entry) union.add(entry);
        }
        docs = union;
      }
      const size = Array.isArray(docs) ? docs.length : docs.size;
      if (size < bestSize) {
        best = docs;
        bestSize = size;
        satisfied = values.length === 1 ? [field] : [];
      }
    }
    return best ? { docs: best, satisfied } : { docs: this.docs.values(), satisfied: [] };
  }

  /** The filter as a predicate: compiled for the common shapes, mingo for the rest. */
  private predicate(filter: Filter): Predicate {
    const compiled = compileFilter(filter);
    if (compiled) return compiled as Predicate;
    const query = new Query(filter, {});
    return (doc) => query.test(doc);
  }

  /** Every matching document, as an array (no generator layers: this is the hot loop of a list query). */
  private match(filter: Filter, stopAfter = Infinity): Doc[] {
    const { docs, satisfied } = this.candidatesOf(filter);
    // The conditions the index answered need not be tested again on every document.
    const rest = satisfied.length ? Object.fromEntries(Object.entries(filter).filter(([key]) => !satisfied.includes(key))) : filter;
    const test = this.predicate(rest);
    const out: Doc[] = [];
    for (const doc of docs) {
      if (test(doc)) {
        out.push(doc);
        if (out.length >= stopAfter) break;
      }
    }
    return out;
  }

  /** Sorts, pages and projects; a small page of a large match set is taken without a full sort. */
  private page(docs: Iterable<Doc>, options: FindOptions): Doc[] {
    type Any = Record<string, unknown>;
    const skip = options.skip ?? 0;
    let selected: Doc[];
    if (options.sort) {
      const compare = sortComparator(options.sort)!;
      if (options.limit && skip + options.limit <= 10_000) selected = topK(docs as Iterable<Any>, compare, skip + options.limit).slice(skip) as Doc[];
      else {
        const all = [...docs].sort(compare as never);
        selected = options.limit ? all.slice(skip, skip + options.limit) : all.slice(skip);
      }
    } else {
      const all = Array.isArray(docs) ? docs : [...docs];
      selected = options.limit ? all.slice(skip, skip + options.limit) : all.slice(skip);
    }
    if (!options.projection) return selected;
    const project = simpleProjection(options.projection);
    return project ? selected.map((d) => project(d) as Doc) : new Query({}, {}).find<Doc>(selected, options.projection).all();
  }

  matchRaw(filter: Filter, options: FindOptions = {}): Doc[] {
    return this.page(this.match(filter), options);
  }

  /** One pass for a list page and its total. */
  async findPage(filter: Filter, options: FindOptions = {}): Promise<{ items: Doc[]; total: number }> {
    const matches = this.match(filter);
    return { items: this.page(matches, options).map((d) => structuredClone(d)), total: matches.length };
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection' | 'sort'> = {}): Promise<Doc | null> {
    const [doc] = this.matchRaw(filter, { ...options, limit: 1 });
    return doc ? structuredClone(doc) : null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<Doc[]> {
    return this.matchRaw(filter, options).map((d) => structuredClone(d));
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    if (Object.keys(filter).length === 0) return this.docs.size;
    return this.match(filter).length;
  }

  async aggregate<R = Record<string, unknown>>(pipeline: Record<string, unknown>[]): Promise<R[]> {
    // A leading $match is served by the indexes before the pipeline runs.
    const [first, ...rest] = pipeline;
    const source = first && '$match' in first ? this.match(first.$match as Filter) : [...this.docs.values()];
    const stages = first && '$match' in first ? rest : pipeline;
    const result = new Aggregator(stages, {}).run(source) as R[];
    return structuredClone(result);
  }

  // ---- writes ------------------------------------------------------------------------
  writeSync(op: WriteOp, undo?: UndoEntry[]): WriteResult {
    const result = emptyWriteResult();
    if ('insertOne' in op) {
      const doc = structuredClone(op.insertOne.document);
      if (this.docs.has(doc._id)) throw new DuplicateKeyError(this.name, JSON.stringify({ _id: doc._id }));
      this.put(doc._id, doc, undo);
      result.insertedCount = 1;
    } else if ('updateOne' in op || 'updateMany' in op) {
      const { filter, update } = 'updateOne' in op ? op.updateOne : op.updateMany;
      const many = 'updateMany' in op;
      const chosen = this.match(filter, many ? Infinity : 1);
      for (const doc of chosen) {
        result.matchedCount += 1;
        // A document this batch already copied is changed in place: a batch of 2,000
        // events touching one organization copies its document once, not 2,000 times.
        if (this.store.fresh?.has(doc)) {
          const changed = applyInPlace(doc, update as Record<string, unknown>, this.indexedFields);
          if (changed !== null) {
            if (changed) result.modifiedCount += 1;
            continue;
          }
        }
        const next = this.updated(doc, update, false);
        if (next) {
          this.put(doc._id, next, undo);
          result.modifiedCount += 1;
        }
      }
      if (chosen.length === 0 && !many && op.updateOne.upsert) {
        const doc = this.updated(this.seedFromFilter(filter), update, true)!;
        if (this.docs.has(doc._id)) throw new DuplicateKeyError(this.name, JSON.stringify({ _id: doc._id }));
        this.put(doc._id, doc, undo);
        result.upsertedCount = 1;
      }
    } else if ('replaceOne' in op) {
      const [doc] = this.match(op.replaceOne.filter);
      const replacement = structuredClone(op.replaceOne.replacement);
      if (doc) {
        this.put(doc._id, { ...replacement, _id: doc._id }, undo);
        result.matchedCount = 1;
        result.modifiedCount = 1;
      } else if (op.replaceOne.upsert) {
        const seeded = { ...this.seedFromFilter(op.replaceOne.filter), ...replacement };
        this.put(seeded._id, seeded, undo);
        result.upsertedCount = 1;
      }
    } else if ('deleteOne' in op || 'deleteMany' in op) {
      const filter = 'deleteOne' in op ? op.deleteOne.filter : op.deleteMany.filter;
      const targets = this.match(filter);
      for (const doc of 'deleteOne' in op ? targets.slice(0, 1) : targets) {
        this.put(doc._id, undefined, undo);
        result.deletedCount += 1;
      }
    }
    return result;
  }

  /** An upserted document starts from the filter's equality fields, as MongoDB does. */
  private seedFromFilter(filter: Filter): Doc {
    const doc: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(filter)) {
      if (key.startsWith('$') || key.includes('.')) continue;
      const values = equalityValues(value);
      if (values && values.length === 1 && !(value && typeof value === 'object' && '$in' in value)) doc[key] = values[0];
    }
    if (typeof doc._id !== 'string') doc._id = randomUUID();
    return doc as Doc;
  }

  /** Returns the updated document (a new object) when anything changed, else null. */
  private updated(doc: Doc, update: Update, inserting: boolean): Doc | null {
    const simple = applySimpleUpdate(doc, update as Record<string, unknown>, inserting);
    if (simple) return simple.changed ? (simple.next as Doc) : null;
    const next = structuredClone(doc);
    return this.applyModifier(next, update, inserting) ? next : null;
  }

  private applyModifier(doc: Doc, update: Update, inserting: boolean): boolean {
    const { $setOnInsert, ...rest } = update;
    let changed = false;
    const modifier = inserting && $setOnInsert ? { ...rest, $set: { ...($setOnInsert ?? {}), ...(rest.$set ?? {}) } } : rest;
    if (Object.keys(modifier).length > 0) changed = applyUpdate(doc, modifier as never, undefined, undefined, { cloneMode: 'deep' }).length > 0;
    return changed || inserting;
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<WriteResult> {
    return this.store.atomically((undo) => this.writeSync({ updateOne: { filter, update, upsert: options.upsert } }, undo));
  }

  async bulkWrite(ops: WriteOp[]): Promise<WriteResult> {
    return this.store.atomically((undo) => ops.reduce((acc, op) => addResults(acc, this.writeSync(op, undo)), emptyWriteResult()));
  }

  async deleteMany(filter: Filter): Promise<WriteResult> {
    return this.store.atomically((undo) => this.writeSync({ deleteMany: { filter } }, undo));
  }
}

/**
 * The embedded read store. Every write call runs to completion synchronously, so a
 * reader on the same event loop never sees half of a batch; a batch that fails part
 * way is rolled back from its undo log.
 */
export class MingoReadStore implements ReadStore {
  readonly kind = 'mingo' as const;
  private readonly collections = new Map<string, MingoCollection>();

  collection<T extends Doc = Doc>(name: string): ReadCollection<T> {
    return this.raw(name) as unknown as ReadCollection<T>;
  }

  private raw(name: string): MingoCollection {
    let collection = this.collections.get(name);
    if (!collection) this.collections.set(name, (collection = new MingoCollection(name, this)));
    return collection;
  }

  /** Documents created by the batch in progress: only the batch holds them, so it may change them in place. */
  fresh: Set<Doc> | null = null;

  atomically<R>(work: (undo: UndoEntry[]) => R): R {
    const undo: UndoEntry[] = [];
    // A plain set, dropped with the batch: weak collections cost the garbage collector dearly.
    this.fresh = new Set();
    try {
      return work(undo);
    } catch (error) {
      // Restores every document to what it was before the batch, in-place changes included.
      for (let i = undo.length - 1; i >= 0; i--) undo[i].collection.put(undo[i].id, undo[i].previous);
      throw error;
    } finally {
      this.fresh = null;
    }
  }

  async applyBatch(ops: CollectionWriteOp[]): Promise<void> {
    this.atomically((undo) => {
      for (const { collection, ...op } of ops) this.raw(collection).writeSync(op as WriteOp, undo);
    });
  }

  async listCollections(): Promise<string[]> {
    return [...this.collections.keys()];
  }

  async dropCollection(name: string): Promise<void> {
    this.collections.delete(name);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.collections.clear();
  }
}
