/**
 * The read store port: the subset of a MongoDB collection that projections and
 * queries need. Projections and queries are written once, in MongoDB's query
 * language, and run on both adapters (SQLite for one machine, MongoDB for many).
 */
export type Doc = { _id: string } & Record<string, unknown>;
export type Filter = Record<string, unknown>;
export type Update = Partial<Record<'$set' | '$setOnInsert' | '$inc' | '$unset' | '$push' | '$pull' | '$addToSet' | '$max' | '$min', Record<string, unknown>>>;
export type Sort = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: Sort;
  skip?: number;
  limit?: number;
  projection?: Record<string, 0 | 1>;
}

export type WriteOp =
  | { updateOne: { filter: Filter; update: Update; upsert?: boolean } }
  | { updateMany: { filter: Filter; update: Update } }
  | { replaceOne: { filter: Filter; replacement: Doc; upsert?: boolean } }
  | { insertOne: { document: Doc } }
  | { deleteOne: { filter: Filter } }
  | { deleteMany: { filter: Filter } };

/** A write addressed to a collection, so one batch may span several collections. */
export type CollectionWriteOp = WriteOp & { collection: string };

export interface WriteResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
  deletedCount: number;
  insertedCount: number;
}

export interface IndexSpec {
  keys: Record<string, 1 | -1>;
  unique?: boolean;
  name?: string;
  /**
   * A key holds an array, matched by element (a member's teams). MongoDB indexes
   * each element (a multikey index, automatic); the SQLite adapter keeps no index for it,
   * since an expression index on the whole JSON array cannot serve an element match and
   * would make it compare the array as one value.
   */
  multikey?: boolean;
  /**
   * A search hint: these fields are searched with unanchored literal `$regex`, within one
   * value of the first key (an organization), sorted by the other keys. The SQLite adapter
   * keeps an in-memory index per organization for it; MongoDB skips the spec (a plain
   * index cannot serve such a search).
   */
  substring?: string[];
  /** With `substring`: the other fields such a search may filter on (the member's status). */
  covers?: string[];
}

export class DuplicateKeyError extends Error {
  readonly code = 11000;
  constructor(collection: string, key: string) {
    super(`E11000 duplicate key error collection: ${collection} key: ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

export interface ReadCollection<T extends Doc = Doc> {
  findOne(filter: Filter, options?: Pick<FindOptions, 'projection' | 'sort'>): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  countDocuments(filter?: Filter): Promise<number>;
  /** A page and the total number of matches (one pass where the adapter can). */
  findPage(filter: Filter, options?: FindOptions): Promise<{ items: T[]; total: number }>;
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<WriteResult>;
  bulkWrite(ops: WriteOp[]): Promise<WriteResult>;
  deleteMany(filter: Filter): Promise<WriteResult>;
  aggregate<R = Record<string, unknown>>(pipeline: Record<string, unknown>[]): Promise<R[]>;
  createIndex(spec: IndexSpec): Promise<string>;
}

export interface ReadStore {
  readonly kind: 'mongodb' | 'sqlite';
  collection<T extends Doc = Doc>(name: string): ReadCollection<T>;
  /**
   * Applies writes to several collections as one unit: a reader sees all of them or
   * none. The projector stores each batch's checkpoint in the same unit.
   */
  applyBatch(ops: CollectionWriteOp[]): Promise<void>;
  /** Optional: a build from the start begins (true) or has ended (false); an adapter may write differently meanwhile. */
  bulkLoad?(active: boolean): Promise<void>;
  listCollections(): Promise<string[]>;
  dropCollection(name: string): Promise<void>;
  ping(): Promise<void>;
  /** Leaves nothing of replaced values in the store's files (SQLite: the write-ahead log); after an erasure. */
  compact?(): Promise<void>;
  close(): Promise<void>;
}

export const emptyWriteResult = (): WriteResult => ({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0, deletedCount: 0, insertedCount: 0 });

export function addResults(a: WriteResult, b: WriteResult): WriteResult {
  return {
    matchedCount: a.matchedCount + b.matchedCount,
    modifiedCount: a.modifiedCount + b.modifiedCount,
    upsertedCount: a.upsertedCount + b.upsertedCount,
    deletedCount: a.deletedCount + b.deletedCount,
    insertedCount: a.insertedCount + b.insertedCount,
  };
}

/** Escapes user input for use inside a `$regex`, so a search term is matched literally. */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
