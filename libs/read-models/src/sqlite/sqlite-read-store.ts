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
import { applyUpdateInPlace, equalityFields, getPath, matches, project, regexpOf, setPath } from './documents.js';
import { fieldExpression, FilterCompiler, jsonPath, quoteIdentifier, type Compiled } from './filter-sql.js';
import { SearchIndex } from './search-index.js';

/**
 * The read store persisted in SQLite, the embedded default (`$DATA_DIR/read.db`): one
 * table per collection, each document as JSON. Queries compile to SQL over
 * `json_extract`/`json_each`; declared index keys become expression indexes (a declared
 * key is taken to hold one value, not an array, so an equality on it can use its index);
 * a declared substring search gets an in-memory index per partition (`search-index.ts`).
 *
 * Writes: a batch of writes across collections is one transaction. Within it, a write
 * addressed to one document by `_id` (every projection write) reads that document once,
 * applies its own and every later write to it in memory, and the batch writes each
 * changed document once at the end: an organization counted up by 2,000 invitations in
 * one batch is parsed and written once, not 2,000 times. Other writes run as SQL.
 */
const TABLE_PREFIX = 'rm_';

const isDuplicate = (error: unknown): boolean => {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

/** The document a write addresses by `_id`, or undefined when it addresses documents by other fields. */
const idOf = (filter: Filter): string | undefined => (typeof filter._id === 'string' ? filter._id : undefined);

/** A document as the batch holds it: read once, changed in memory, written at the end. */
interface Staged {
  doc: Doc | null;
  dirty: boolean;
}

class SqliteCollection<T extends Doc> implements ReadCollection<T> {
  readonly table: string;
  private readonly indexed = new Set<string>();
  search: SearchIndex | null = null;

  constructor(
    private readonly store: SqliteReadStore,
    private readonly db: Database.Database,
    readonly name: string,
  ) {
    this.table = quoteIdentifier(`${TABLE_PREFIX}${name}`);
    // Rows in insertion order (a rowid table), found by `_id` through its unique index: a
    // rebuild appends documents instead of writing them all over a B-tree keyed by random
    // UUIDs, which rewrote most of the table's pages in every transaction.
    db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)`);
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
    return ` ORDER BY ${keys.map(([field, direction]) => `${fieldExpression(field)} ${direction === -1 ? 'DESC' : 'ASC'}`).join(', ')}`;
  }

  findSync(filter: Filter, options: FindOptions = {}): T[] {
    const where = this.where(filter);
    const limit = options.limit || options.skip ? ` LIMIT ${options.limit || -1} OFFSET ${options.skip ?? 0}` : '';
    const rows = this.store.statement(`SELECT doc FROM ${this.table} WHERE ${where.sql}${this.orderBy(options.sort)}${limit}`).all(...where.params) as { doc: string }[];
    return rows.map((row) => project(JSON.parse(row.doc) as T, options.projection));
  }

  countSync(filter: Filter = {}): number {
    const where = this.where(filter);
    return (this.store.statement(`SELECT count(*) AS n FROM ${this.table} WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
  }

  /** The search index, current with writes other processes made to the file. */
  private searchIndex(): SearchIndex | null {
    if (this.search) this.store.followOtherWriters();
    return this.search;
  }

  /** One document by `_id`, parsed (the caller's own copy). */
  byId(id: string): Doc | null {
    const row = this.store.statement(`SELECT doc FROM ${this.table} WHERE id = ?`).get(id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Doc) : null;
  }

  /** Documents by `_id`, in the order asked. */
  private byIds(ids: string[], projection: FindOptions['projection']): T[] {
    if (ids.length === 0) return [];
    const rows = this.store.statement(`SELECT id, doc FROM ${this.table} WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as { id: string; doc: string }[];
    const byId = new Map(rows.map((row) => [row.id, row.doc]));
    return ids.flatMap((id) => {
      const doc = byId.get(id);
      return doc === undefined ? [] : [project(JSON.parse(doc) as T, projection)];
    });
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection' | 'sort'> = {}): Promise<T | null> {
    return this.findSync(filter, { ...options, limit: 1 })[0] ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const searched = this.searchIndex()?.query(filter, options);
    return searched ? this.byIds(searched.ids, options.projection) : this.findSync(filter, options);
  }

  async countDocuments(filter?: Filter): Promise<number> {
    const searched = filter && this.searchIndex()?.query(filter, { limit: -1 });
    return searched ? searched.total : this.countSync(filter);
  }

  async findPage(filter: Filter, options: FindOptions = {}): Promise<{ items: T[]; total: number }> {
    const searched = this.searchIndex()?.query(filter, options);
    if (searched) return { items: this.byIds(searched.ids, options.projection), total: searched.total };
    return { items: this.findSync(filter, options), total: this.countSync(filter) };
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<WriteResult> {
    return this.store.applyBatchSync([{ collection: this.name, updateOne: { filter, update, upsert: options.upsert } }]);
  }

  async bulkWrite(ops: WriteOp[]): Promise<WriteResult> {
    return this.store.applyBatchSync(ops.map((op) => ({ ...op, collection: this.name }) as CollectionWriteOp));
  }

  async deleteMany(filter: Filter): Promise<WriteResult> {
    return this.store.applyBatchSync([{ collection: this.name, deleteMany: { filter } }]);
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
    if (spec.substring) {
      // A search hint: the in-memory index per partition (the first key), in the order of
      // the other keys; the table's own indexes serve its loading.
      const [partition, ...order] = fields;
      const searchSpec = { partition, order, text: spec.substring, covers: spec.covers ?? [] };
      const search = new SearchIndex(searchSpec, (value) => this.partitionDocs(partition, [...order, ...searchSpec.text, ...searchSpec.covers], order, value));
      this.search = search;
      return name;
    }
    // An element match on an array is a json_each walk: an expression index cannot serve it.
    if (spec.multikey) return name;
    const columns = fields.map(fieldExpression).join(', ');
    try {
      this.db.exec(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdentifier(`${TABLE_PREFIX}${this.name}__${name}`)} ON ${this.table} (${columns})`);
    } catch (error) {
      if (isDuplicate(error)) throw new DuplicateKeyError(this.name, name);
      throw error;
    }
    for (const field of fields) this.indexed.add(field);
    return name;
  }

  /**
   * A partition's documents in page order, with only the fields the search index keeps:
   * each extracted by SQLite as JSON text (`->`: a missing field is NULL, a JSON null is
   * 'null', so the two stay apart), instead of parsing every whole document (a first
   * search of 100,000 members took 1.7 s and left 60 MB of garbage).
   */
  private *partitionDocs(partition: string, fields: string[], order: string[], value: string): Iterable<Record<string, unknown>> {
    const columns = fields.map((field, i) => `doc -> '${jsonPath(field).replace(/'/g, "''")}' AS c${i}`).join(', ');
    const sql = `SELECT id, ${columns} FROM ${this.table} WHERE ${fieldExpression(partition)} = ? ORDER BY ${[...order.map(fieldExpression), 'id'].join(', ')}`;
    for (const row of this.store.statement(sql).iterate(value) as Iterable<Record<string, string | null>>) {
      const doc: Record<string, unknown> = { _id: row.id };
      setPath(doc, partition, value);
      fields.forEach((field, i) => {
        const json = row[`c${i}`];
        if (json !== null) setPath(doc, field, JSON.parse(json));
      });
      yield doc;
    }
  }

  /** A write the batch cannot address by `_id`: run as SQL, inside the caller's transaction. */
  writeSql(op: WriteOp): WriteResult {
    const result = emptyWriteResult();
    // The search index cannot follow a write by filter document by document.
    this.search?.clear();
    if ('insertOne' in op) throw new Error('an insert is always addressed by _id');
    if ('updateOne' in op || 'updateMany' in op || 'replaceOne' in op) {
      const filter = 'updateOne' in op ? op.updateOne.filter : 'updateMany' in op ? op.updateMany.filter : op.replaceOne.filter;
      const docs = this.findSync(filter, 'updateMany' in op ? {} : { limit: 1 });
      for (const doc of docs) {
        result.matchedCount++;
        let next: Doc = doc;
        let changed: boolean;
        if ('replaceOne' in op) {
          next = { ...op.replaceOne.replacement, _id: doc._id };
          changed = JSON.stringify(next) !== JSON.stringify(doc);
        } else changed = applyUpdateInPlace(doc, 'updateOne' in op ? op.updateOne.update : op.updateMany.update, false);
        if (changed) {
          this.put(next);
          result.modifiedCount++;
        }
      }
      const upsert = 'updateOne' in op ? op.updateOne.upsert : 'replaceOne' in op ? op.replaceOne.upsert : false;
      if (docs.length === 0 && upsert) {
        const replacement = 'replaceOne' in op ? op.replaceOne.replacement : undefined;
        const inserted = 'updateOne' in op ? upsertedDocument(op.updateOne.filter, op.updateOne.update) : { ...replacement!, _id: replacement!._id ?? randomUUID() };
        this.insert(inserted);
        result.upsertedCount = 1;
      }
      return result;
    }
    const { filter } = 'deleteOne' in op ? op.deleteOne : op.deleteMany;
    const where = this.where(filter);
    const limited = 'deleteOne' in op ? `id IN (SELECT id FROM ${this.table} WHERE ${where.sql} LIMIT 1)` : where.sql;
    result.deletedCount = this.store.statement(`DELETE FROM ${this.table} WHERE ${limited}`).run(...where.params).changes;
    return result;
  }

  insert(doc: Doc): void {
    this.store.statement(`INSERT INTO ${this.table} (id, doc) VALUES (?, ?)`).run(doc._id, JSON.stringify(doc));
  }

  put(doc: Doc): void {
    this.store.statement(`INSERT INTO ${this.table} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`).run(doc._id, JSON.stringify(doc));
  }

  remove(id: string): void {
    this.store.statement(`DELETE FROM ${this.table} WHERE id = ?`).run(id);
  }
}

/** What an upsert that found nothing inserts: the filter's equalities, then the update. */
function upsertedDocument(filter: Filter, update: Update): Doc {
  const doc = equalityFields(filter) as Doc;
  if (doc._id === undefined) doc._id = randomUUID();
  applyUpdateInPlace(doc, update, true);
  return doc;
}

/**
 * One batch's documents addressed by `_id`: each read at most once, every write applied in
 * memory in order, each changed document written once by `flush`.
 */
class BatchStage {
  private readonly staged = new Map<SqliteCollection<Doc>, Map<string, Staged>>();

  private slot(collection: SqliteCollection<Doc>, id: string): Staged {
    let docs = this.staged.get(collection);
    if (!docs) this.staged.set(collection, (docs = new Map()));
    let staged = docs.get(id);
    if (!staged) docs.set(id, (staged = { doc: collection.byId(id), dirty: false }));
    return staged;
  }

  write(collection: SqliteCollection<Doc>, op: WriteOp): WriteResult {
    const result = emptyWriteResult();
    if ('insertOne' in op) {
      const document = { ...structuredClone(op.insertOne.document), _id: op.insertOne.document._id ?? randomUUID() };
      const staged = this.slot(collection, document._id);
      if (staged.doc) throw new DuplicateKeyError(collection.name, `_id ${document._id}`);
      Object.assign(staged, { doc: document, dirty: true });
      result.insertedCount = 1;
      return result;
    }
    const filter = 'updateOne' in op ? op.updateOne.filter : 'replaceOne' in op ? op.replaceOne.filter : 'deleteOne' in op ? op.deleteOne.filter : undefined;
    const id = filter && idOf(filter);
    if (id === undefined || !filter) {
      // By other fields: what is staged goes to the table first, so SQL sees it.
      this.flush(collection);
      return collection.writeSql(op);
    }
    const staged = this.slot(collection, id);
    const found = staged.doc !== null && matches(staged.doc, filter);
    if ('deleteOne' in op) {
      if (found) {
        Object.assign(staged, { doc: null, dirty: true });
        result.deletedCount = 1;
      }
      return result;
    }
    const replaceOne = 'replaceOne' in op ? op.replaceOne : undefined;
    const upsert = 'updateOne' in op ? op.updateOne.upsert : replaceOne?.upsert;
    if (found) {
      result.matchedCount = 1;
      let changed: boolean;
      if ('updateOne' in op) changed = applyUpdateInPlace(staged.doc!, op.updateOne.update, false);
      else {
        const next = { ...structuredClone(replaceOne!.replacement), _id: id };
        changed = JSON.stringify(next) !== JSON.stringify(staged.doc);
        if (changed) staged.doc = next;
      }
      if (changed) {
        staged.dirty = true;
        result.modifiedCount = 1;
      }
    } else if (upsert) {
      // A document with this _id that does not match the rest of the filter: MongoDB would
      // insert a second document with the same _id, and refuse it.
      if (staged.doc) throw new DuplicateKeyError(collection.name, `_id ${id}`);
      staged.doc = 'updateOne' in op ? upsertedDocument(filter, op.updateOne.update) : { ...structuredClone(replaceOne!.replacement), _id: id };
      staged.dirty = true;
      result.upsertedCount = 1;
    }
    return result;
  }

  /** Writes the changed documents (of one collection, or of all) to their tables. */
  flush(only?: SqliteCollection<Doc>): void {
    for (const [collection, docs] of this.staged) {
      if (only && collection !== only) continue;
      // Removals first: a unique value freed and taken in one batch is not a conflict.
      for (const [id, staged] of docs) if (staged.dirty && !staged.doc) collection.remove(id);
      for (const staged of docs.values()) if (staged.dirty && staged.doc) collection.put(staged.doc);
      if (only) {
        this.notify(collection, docs);
        this.staged.delete(collection);
      }
    }
  }

  private readonly written: [SqliteCollection<Doc>, string, Doc | null][] = [];

  private notify(collection: SqliteCollection<Doc>, docs: Map<string, Staged>): void {
    if (collection.search) for (const [id, staged] of docs) if (staged.dirty) this.written.push([collection, id, staged.doc]);
  }

  /** After the commit: the search indexes follow what was written. */
  committed(): void {
    for (const [collection, docs] of this.staged) this.notify(collection, docs);
    for (const [collection, id, doc] of this.written) collection.search?.changed(id, doc);
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

  private readonly cacheMiB: { live: number; bulk: number };

  /** `cacheMiB`: the page cache while serving (16 MiB) and during a build from the start (64 MiB). */
  constructor(filename: string, options: { cacheMiB?: number; bulkCacheMiB?: number } = {}) {
    // WAL with synchronous=NORMAL: a lost tail after a power cut is rebuilt from the log, which stays FULL.
    // 16 KiB pages: a batch's documents are written in a quarter of the pages (measured on
    // 200,002 events: 14,800 events/s with 4 KiB pages, 18,000 with 16 KiB).
    this.db = openSideDatabase(filename, { pageSize: 16_384 });
    this.cacheMiB = { live: options.cacheMiB ?? 16, bulk: options.bulkCacheMiB ?? 64 };
    this.db.pragma(`cache_size = -${this.cacheMiB.live * 1024}`);
    // What a write replaces or deletes is overwritten in the file, not left in free space:
    // an erased person's name must not stay readable in read.db (issue 20).
    this.db.pragma('secure_delete = ON');
    this.db.function('read_store_regexp', { deterministic: true }, (pattern: unknown, flags: unknown, value: unknown) =>
      typeof value === 'string' && regexpOf(String(pattern), String(flags)).test(value) ? 1 : 0,
    );
  }

  collection<T extends Doc = Doc>(name: string): ReadCollection<T> {
    return this.table(name) as unknown as ReadCollection<T>;
  }

  private table(name: string): SqliteCollection<Doc> {
    let collection = this.collections.get(name);
    if (!collection) this.collections.set(name, (collection = new SqliteCollection(this, this.db, name)));
    return collection;
  }

  private dataVersion: number | null = null;

  /**
   * Writes another connection committed to the file (another process: a projector of
   * its own beside API replicas) since the last look. The search indexes follow this
   * store's own writes one by one; another process's writes they cannot see, so every
   * one of them starts over (and loads again on its next search). One check for the
   * store, since SQLite's data_version is per connection, not per table.
   */
  followOtherWriters(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (this.dataVersion !== null && version !== this.dataVersion) for (const collection of this.collections.values()) collection.search?.clear();
    this.dataVersion = version;
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

  /** Applies the writes in order as one transaction; nothing of a failed batch remains. */
  applyBatchSync(ops: CollectionWriteOp[]): WriteResult {
    const stage = new BatchStage();
    let result = emptyWriteResult();
    try {
      // IMMEDIATE: a batch reads documents before it writes them; with another process
      // writing read.db (a projector beside API processes, a lease renewal) a deferred
      // transaction's upgrade to a writer would fail at once instead of waiting.
      this.db.transaction(() => {
        for (const { collection, ...op } of ops) result = addResults(result, stage.write(this.table(collection), op as WriteOp));
        stage.flush();
      }).immediate();
    } catch (error) {
      if (isDuplicate(error)) throw new DuplicateKeyError(ops[0]?.collection ?? '', (error as Error).message);
      throw error;
    }
    stage.committed();
    return result;
  }

  async applyBatch(ops: CollectionWriteOp[]): Promise<void> {
    this.applyBatchSync(ops);
  }

  /**
   * A build from the start: no checkpoints of the WAL into the database file until it
   * ends, then one (each automatic checkpoint copies the WAL and syncs the file: on
   * 200,002 events, 14,800 events/s with them and 16,600 without; 18,000 and 19,600 with
   * 16 KiB pages).
   */
  async bulkLoad(active: boolean): Promise<void> {
    if (active) {
      this.db.pragma('wal_autocheckpoint = 0');
      this.db.pragma(`cache_size = -${this.cacheMiB.bulk * 1024}`);
    } else {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.pragma('wal_autocheckpoint = 1000');
      this.db.pragma(`cache_size = -${this.cacheMiB.live * 1024}`);
    }
  }

  /**
   * After an erasure: the write-ahead log still holds pages as they were before the
   * erased values were replaced. Copies the new ones into the file and cuts the log to
   * nothing; a reader in another process can hold that back for a moment, so it tries again.
   */
  async compact(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (!result || result.busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
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
