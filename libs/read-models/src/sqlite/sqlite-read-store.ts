import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { openSideDatabase } from '#event-store';
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

/**
 * The read store persisted in SQLite (issue 15's first step; not yet the embedded
 * default): one table per collection, each document as JSON, filters compiled to SQL
 * over `json_extract`/`json_each`, updates applied to the document in JavaScript, and a
 * batch of writes across collections as one transaction. Declared index keys become
 * expression indexes; a declared key is taken to hold one value (not an array), so an
 * equality on it can use its index.
 */
const TABLE_PREFIX = 'rm_';

/** A document field as a JSON path: `meta.level` -> `$."meta"."level"`. */
const jsonPath = (field: string): string => `$.${field.split('.').map((part) => `"${part.replace(/"/g, '""')}"`).join('.')}`;

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

type Compiled = { sql: string; params: unknown[] };

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));

/** SQLite's types for a JSON value of the same kind, for comparisons of like with like. */
function jsonTypesOf(value: unknown): string[] {
  if (typeof value === 'number') return ['integer', 'real'];
  if (typeof value === 'string') return ['text'];
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  throw new Error(`unsupported comparison value ${JSON.stringify(value)}`);
}

/** SQLite stores JSON booleans as 1 and 0. */
const sqlValue = (value: unknown): unknown => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

class FilterCompiler {
  constructor(private readonly indexed: ReadonlySet<string>) {}

  compile(filter: Filter): Compiled {
    const parts: Compiled[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (key === '$and' || key === '$or' || key === '$nor') {
        const branches = (value as Filter[]).map((f) => this.compile(f));
        if (branches.length === 0) continue;
        const joined = branches.map((b) => `(${b.sql})`).join(key === '$and' ? ' AND ' : ' OR ');
        parts.push({ sql: key === '$nor' ? `NOT (${joined})` : joined, params: branches.flatMap((b) => b.params) });
      } else if (key.startsWith('$')) throw new Error(`unsupported filter operator ${key}`);
      else parts.push(this.field(key, value));
    }
    if (parts.length === 0) return { sql: '1', params: [] };
    return { sql: parts.map((p) => `(${p.sql})`).join(' AND '), params: parts.flatMap((p) => p.params) };
  }

  private field(field: string, condition: unknown): Compiled {
    if (!isOperatorObject(condition)) return this.equals(field, condition);
    const parts: Compiled[] = [];
    for (const [operator, operand] of Object.entries(condition)) {
      switch (operator) {
        case '$eq':
          parts.push(this.equals(field, operand));
          break;
        case '$ne': {
          const equal = this.equals(field, operand);
          parts.push({ sql: `NOT (${equal.sql})`, params: equal.params });
          break;
        }
        case '$in':
        case '$nin': {
          const options = (operand as unknown[]).map((v) => this.equals(field, v));
          const any = options.length ? { sql: options.map((o) => `(${o.sql})`).join(' OR '), params: options.flatMap((o) => o.params) } : { sql: '0', params: [] };
          parts.push(operator === '$in' ? any : { sql: `NOT (${any.sql})`, params: any.params });
          break;
        }
        case '$gt':
        case '$gte':
        case '$lt':
        case '$lte': {
          const sign = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[operator];
          const types = jsonTypesOf(operand);
          parts.push(this.anyElement(field, `type IN (${types.map(() => '?').join(', ')}) AND value ${sign} ?`, [...types, sqlValue(operand)]));
          break;
        }
        case '$exists':
          parts.push({ sql: `json_type(doc, ?) IS ${operand ? 'NOT NULL' : 'NULL'}`, params: [jsonPath(field)] });
          break;
        case '$regex': {
          const flags = typeof condition.$options === 'string' ? condition.$options : '';
          parts.push(this.anyElement(field, `type = 'text' AND read_store_regexp(?, ?, value)`, [String(operand), flags]));
          break;
        }
        case '$options':
          break;
        default:
          throw new Error(`unsupported filter operator ${operator}`);
      }
    }
    return { sql: parts.map((p) => `(${p.sql})`).join(' AND ') || '1', params: parts.flatMap((p) => p.params) };
  }

  /** Mongo's equality: null matches missing; a scalar matches the field or an element of an array field. */
  private equals(field: string, value: unknown): Compiled {
    if (field === '_id') return { sql: 'id = ?', params: [value] };
    if (value === null || value === undefined) return { sql: `json_type(doc, ?) IS NULL OR json_type(doc, ?) = 'null'`, params: [jsonPath(field), jsonPath(field)] };
    if (typeof value === 'object') return { sql: `json(json_extract(doc, ?)) = json(?)`, params: [jsonPath(field), JSON.stringify(value)] };
    // A declared index key holds one value: the comparison its expression index serves.
    if (this.indexed.has(field) && typeof value !== 'boolean') return { sql: `json_extract(doc, '${jsonPath(field).replace(/'/g, "''")}') = ?`, params: [value] };
    return this.anyElement(field, `type IN (${jsonTypesOf(value).map(() => '?').join(', ')}) AND value = ?`, [...jsonTypesOf(value), sqlValue(value)]);
  }

  /** The field's value, or any element of it when it is an array, satisfies `condition`. */
  private anyElement(field: string, condition: string, params: unknown[]): Compiled {
    // json_each walks an array's elements, and gives a single row for any other value.
    return { sql: `EXISTS (SELECT 1 FROM json_each(doc, ?) WHERE ${condition})`, params: [jsonPath(field), ...params] };
  }
}

// ---- Updates, applied to the document --------------------------------------------------
function getPath(doc: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), doc);
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let target = doc;
  for (const key of keys.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1]] = value;
}

function unsetPath(doc: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  const parent = keys.length === 1 ? doc : getPath(doc, keys.slice(0, -1).join('.'));
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[keys[keys.length - 1]];
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function applyUpdate(doc: Doc, update: Update, inserting: boolean): Doc {
  const next = structuredClone(doc) as Record<string, unknown>;
  for (const [operator, fields] of Object.entries(update)) {
    for (const [path, value] of Object.entries(fields ?? {})) {
      const current = getPath(next, path);
      switch (operator) {
        case '$set':
          setPath(next, path, structuredClone(value));
          break;
        case '$setOnInsert':
          if (inserting) setPath(next, path, structuredClone(value));
          break;
        case '$unset':
          unsetPath(next, path);
          break;
        case '$inc':
          setPath(next, path, (typeof current === 'number' ? current : 0) + (value as number));
          break;
        case '$max':
          if (current === undefined || (value as number) > (current as number)) setPath(next, path, value);
          break;
        case '$min':
          if (current === undefined || (value as number) < (current as number)) setPath(next, path, value);
          break;
        case '$push':
        case '$addToSet': {
          const list = Array.isArray(current) ? [...current] : [];
          const items = value && typeof value === 'object' && '$each' in (value as object) ? ((value as { $each: unknown[] }).$each ?? []) : [value];
          for (const item of items) if (operator === '$push' || !list.some((existing) => sameValue(existing, item))) list.push(structuredClone(item));
          setPath(next, path, list);
          break;
        }
        case '$pull':
          if (Array.isArray(current)) setPath(next, path, current.filter((existing) => !sameValue(existing, value)));
          break;
        default:
          throw new Error(`unsupported update operator ${operator}`);
      }
    }
  }
  return next as Doc;
}

/** The equality fields of a filter: what an upsert inserts before its update. */
function equalityFields(filter: Filter): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) if (!key.startsWith('$') && !isOperatorObject(value)) setPath(fields, key, structuredClone(value));
  return fields;
}

function project<T extends Doc>(doc: T, projection: Record<string, 0 | 1> | undefined): T {
  if (!projection || Object.keys(projection).length === 0) return doc;
  const including = Object.entries(projection).some(([key, on]) => on === 1 && key !== '_id');
  if (!including) {
    const copy = { ...doc } as Record<string, unknown>;
    for (const [key, on] of Object.entries(projection)) if (on === 0) unsetPath(copy, key);
    return copy as T;
  }
  const picked: Record<string, unknown> = projection._id === 0 ? {} : { _id: doc._id };
  for (const [key, on] of Object.entries(projection)) if (on === 1 && key !== '_id') {
    const value = getPath(doc, key);
    if (value !== undefined) setPath(picked, key, value);
  }
  return picked as T;
}

function isDuplicate(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

class SqliteCollection<T extends Doc> implements ReadCollection<T> {
  private readonly table: string;
  private readonly indexed = new Set<string>();

  constructor(
    private readonly store: SqliteReadStore,
    private readonly db: Database.Database,
    readonly name: string,
  ) {
    this.table = quoteIdentifier(`${TABLE_PREFIX}${name}`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID`);
    // Indexes declared by an earlier process: their keys are served by their index again.
    for (const { sql } of db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`).all(`${TABLE_PREFIX}${name}`) as { sql: string | null }[])
      for (const match of (sql ?? '').matchAll(/json_extract\(doc, '\$\.([^']+)'\)/g)) this.indexed.add(match[1].split('.').map((part) => part.slice(1, -1).replace(/""/g, '"')).join('.'));
  }

  private where(filter: Filter): Compiled {
    return new FilterCompiler(this.indexed).compile(filter);
  }

  private orderBy(sort: FindOptions['sort']): string {
    const keys = Object.entries(sort ?? {});
    if (keys.length === 0) return '';
    return ` ORDER BY ${keys.map(([field, direction]) => `${field === '_id' ? 'id' : `json_extract(doc, '${jsonPath(field).replace(/'/g, "''")}')`} ${direction === -1 ? 'DESC' : 'ASC'}`).join(', ')}`;
  }

  findSync(filter: Filter, options: FindOptions = {}): T[] {
    const where = this.where(filter);
    const limit = options.limit !== undefined || options.skip ? ` LIMIT ${options.limit ?? -1} OFFSET ${options.skip ?? 0}` : '';
    const rows = this.store.statement(`SELECT doc FROM ${this.table} WHERE ${where.sql}${this.orderBy(options.sort)}${limit}`).all(...where.params) as { doc: string }[];
    return rows.map((row) => project(JSON.parse(row.doc) as T, options.projection));
  }

  countSync(filter: Filter = {}): number {
    const where = this.where(filter);
    return (this.store.statement(`SELECT count(*) AS n FROM ${this.table} WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection' | 'sort'> = {}): Promise<T | null> {
    return this.findSync(filter, { ...options, limit: 1 })[0] ?? null;
  }

  async find(filter: Filter, options?: FindOptions): Promise<T[]> {
    return this.findSync(filter, options);
  }

  async countDocuments(filter?: Filter): Promise<number> {
    return this.countSync(filter);
  }

  async findPage(filter: Filter, options?: FindOptions): Promise<{ items: T[]; total: number }> {
    return { items: this.findSync(filter, options), total: this.countSync(filter) };
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<WriteResult> {
    return this.store.transaction(() => this.write({ updateOne: { filter, update, upsert: options.upsert } }));
  }

  async bulkWrite(ops: WriteOp[]): Promise<WriteResult> {
    return this.store.transaction(() => ops.reduce((result, op) => addResults(result, this.write(op)), emptyWriteResult()));
  }

  async deleteMany(filter: Filter): Promise<WriteResult> {
    return this.store.transaction(() => this.write({ deleteMany: { filter } }));
  }

  async aggregate<R = Record<string, unknown>>(pipeline: Record<string, unknown>[]): Promise<R[]> {
    let rows: Record<string, unknown>[] = [];
    let first = true;
    for (const stage of pipeline) {
      const [[name, spec]] = Object.entries(stage);
      if (name === '$match' && first) rows = this.findSync(spec as Filter);
      else if (first) rows = this.findSync({});
      first = false;
      if (name === '$match') continue;
      if (name === '$group') rows = group(rows, spec as Record<string, unknown>);
      else if (name === '$sort') rows = sortRows(rows, spec as Record<string, 1 | -1>);
      else if (name === '$limit') rows = rows.slice(0, spec as number);
      else if (name === '$skip') rows = rows.slice(spec as number);
      else throw new Error(`unsupported aggregation stage ${name}`);
    }
    return rows as R[];
  }

  async createIndex(spec: IndexSpec): Promise<string> {
    const fields = Object.keys(spec.keys);
    const name = spec.name ?? `${fields.join('_')}_idx`;
    const columns = fields.map((field) => (field === '_id' ? 'id' : `json_extract(doc, '${jsonPath(field).replace(/'/g, "''")}')`)).join(', ');
    try {
      this.db.exec(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdentifier(`${TABLE_PREFIX}${this.name}__${name}`)} ON ${this.table} (${columns})`);
    } catch (error) {
      if (isDuplicate(error)) throw new DuplicateKeyError(this.name, name);
      throw error;
    }
    for (const field of fields) this.indexed.add(field);
    return name;
  }

  /** One write, inside the caller's transaction. */
  write(op: WriteOp): WriteResult {
    const result = emptyWriteResult();
    try {
      if ('insertOne' in op) {
        this.insert(op.insertOne.document);
        result.insertedCount = 1;
      } else if ('updateOne' in op || 'updateMany' in op) {
        const { filter, update } = 'updateOne' in op ? op.updateOne : op.updateMany;
        const many = 'updateMany' in op;
        const docs = this.findSync(filter, many ? {} : { limit: 1 });
        for (const doc of docs) {
          result.matchedCount++;
          const next = applyUpdate(doc, update, false);
          if (!sameValue(next, doc)) {
            this.replace(next);
            result.modifiedCount++;
          }
        }
        if (docs.length === 0 && 'updateOne' in op && op.updateOne.upsert) {
          const base = equalityFields(filter) as Doc;
          const inserted = applyUpdate({ ...base, _id: (base._id as string | undefined) ?? randomUUID() }, update, true);
          this.insert(inserted);
          result.upsertedCount = 1;
        }
      } else if ('replaceOne' in op) {
        const [doc] = this.findSync(op.replaceOne.filter, { limit: 1 });
        if (doc) {
          result.matchedCount = 1;
          const next = { ...op.replaceOne.replacement, _id: doc._id };
          if (!sameValue(next, doc)) {
            this.replace(next);
            result.modifiedCount = 1;
          }
        } else if (op.replaceOne.upsert) {
          this.insert({ ...op.replaceOne.replacement, _id: op.replaceOne.replacement._id ?? randomUUID() });
          result.upsertedCount = 1;
        }
      } else {
        const { filter } = 'deleteOne' in op ? op.deleteOne : op.deleteMany;
        const where = this.where(filter);
        const limited = 'deleteOne' in op ? `id IN (SELECT id FROM ${this.table} WHERE ${where.sql} LIMIT 1)` : where.sql;
        result.deletedCount = this.store.statement(`DELETE FROM ${this.table} WHERE ${limited}`).run(...where.params).changes;
      }
    } catch (error) {
      if (isDuplicate(error)) throw new DuplicateKeyError(this.name, (error as Error).message);
      throw error;
    }
    return result;
  }

  private insert(doc: Doc): void {
    this.store.statement(`INSERT INTO ${this.table} (id, doc) VALUES (?, ?)`).run(doc._id, JSON.stringify(doc));
  }

  private replace(doc: Doc): void {
    this.store.statement(`UPDATE ${this.table} SET doc = ? WHERE id = ?`).run(JSON.stringify(doc), doc._id);
  }
}

function group(rows: Record<string, unknown>[], spec: Record<string, unknown>): Record<string, unknown>[] {
  const value = (row: Record<string, unknown>, expression: unknown) => (typeof expression === 'string' && expression.startsWith('$') ? getPath(row, expression.slice(1)) : expression);
  const groups = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const id = value(row, spec._id);
    const key = JSON.stringify(id ?? null);
    const out = groups.get(key) ?? { _id: id ?? null };
    for (const [field, accumulator] of Object.entries(spec)) {
      if (field === '_id') continue;
      const [[operator, expression]] = Object.entries(accumulator as Record<string, unknown>);
      const v = value(row, expression);
      if (operator === '$sum') out[field] = ((out[field] as number | undefined) ?? 0) + (typeof v === 'number' ? v : 0);
      else if (operator === '$max') out[field] = out[field] === undefined || (v as number) > (out[field] as number) ? v : out[field];
      else if (operator === '$min') out[field] = out[field] === undefined || (v as number) < (out[field] as number) ? v : out[field];
      else throw new Error(`unsupported accumulator ${operator}`);
    }
    groups.set(key, out);
  }
  return [...groups.values()];
}

function sortRows(rows: Record<string, unknown>[], sort: Record<string, 1 | -1>): Record<string, unknown>[] {
  return [...rows].sort((a, b) => {
    for (const [field, direction] of Object.entries(sort)) {
      const x = getPath(a, field) as string | number;
      const y = getPath(b, field) as string | number;
      if (x < y) return -direction;
      if (x > y) return direction;
    }
    return 0;
  });
}

export class SqliteReadStore implements ReadStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly collections = new Map<string, SqliteCollection<Doc>>();
  private readonly statements = new Map<string, Database.Statement>();

  constructor(filename: string) {
    // WAL with synchronous=NORMAL: a lost tail after a power cut is rebuilt from the log, which stays FULL.
    this.db = openSideDatabase(filename);
    const patterns = new Map<string, RegExp>();
    this.db.function('read_store_regexp', { deterministic: true }, (pattern: unknown, flags: unknown, value: unknown) => {
      const key = `${String(flags)}/${String(pattern)}`;
      let regexp = patterns.get(key);
      if (!regexp) {
        // Search terms come from users: the cache of compiled patterns stays bounded.
        if (patterns.size >= 1_000) patterns.clear();
        patterns.set(key, (regexp = new RegExp(String(pattern), String(flags))));
      }
      return typeof value === 'string' && regexp.test(value) ? 1 : 0;
    });
  }

  collection<T extends Doc = Doc>(name: string): ReadCollection<T> {
    let collection = this.collections.get(name);
    if (!collection) this.collections.set(name, (collection = new SqliteCollection(this, this.db, name)));
    return collection as unknown as ReadCollection<T>;
  }

  /**
   * A prepared statement by its SQL: a filter's shape compiles to the same SQL every time
   * (values are parameters), so each shape is prepared once. Dropped with the schema.
   */
  statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      if (this.statements.size > 2_000) this.statements.clear();
      this.statements.set(sql, (prepared = this.db.prepare(sql)));
    }
    return prepared;
  }

  /** Runs `work` in one transaction. */
  transaction<R>(work: () => R): R {
    return this.db.transaction(work)();
  }

  async applyBatch(ops: CollectionWriteOp[]): Promise<void> {
    this.transaction(() => {
      for (const { collection, ...op } of ops) (this.collection(collection) as unknown as SqliteCollection<Doc>).write(op as WriteOp);
    });
  }

  async listCollections(): Promise<string[]> {
    const rows = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ${TABLE_PREFIX.length}) = ?`).all(TABLE_PREFIX) as { name: string }[];
    return rows.map((row) => row.name.slice(TABLE_PREFIX.length));
  }

  async dropCollection(name: string): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(`${TABLE_PREFIX}${name}`)}`);
    this.collections.delete(name);
    this.statements.clear();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
