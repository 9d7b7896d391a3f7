import { MongoClient, MongoServerError, type AnyBulkWriteOperation, type BulkWriteResult, type ClientSession, type Collection, type Db, type MongoClientOptions } from 'mongodb';
import {
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
import { POSITION_FIELD } from '../projector/projection.js';
import { GRAMS_FIELD, gramsUpdate, searchSpecOf, staleGrams, withGrams, type SearchSpec } from './trigrams.js';

/**
 * The options of every MongoDB client this service opens. `ignoreUndefined`: the driver
 * serialises an `undefined` field as `null`, and the server refuses some of those
 * (`createIndex` with `unique: null`: "not convertible to bool"), so undefined fields are
 * left out of every command instead.
 */
export const MONGO_CLIENT_OPTIONS = { ignoreUndefined: true } as const satisfies MongoClientOptions;

export const createMongoClient = (uri: string): MongoClient => new MongoClient(uri, MONGO_CLIENT_OPTIONS);

/** An options object without its undefined keys: what the adapter hands the driver, whatever the client's settings. */
export function defined<T extends Record<string, unknown>>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

const toResult = (r: BulkWriteResult): WriteResult => ({
  matchedCount: r.matchedCount,
  modifiedCount: r.modifiedCount,
  upsertedCount: r.upsertedCount,
  deletedCount: r.deletedCount,
  insertedCount: r.insertedCount,
});

function translate(error: unknown, collection: string): never {
  if (error instanceof MongoServerError && error.code === 11000) throw new DuplicateKeyError(collection, JSON.stringify(error.keyValue ?? {}));
  throw error;
}

/** The ops' documents, as filters: what a write may have changed (position guards left out: they no longer match after it). */
function writtenDocuments(ops: WriteOp[]): Filter[] {
  const targets: Filter[] = [];
  for (const op of ops) {
    if ('insertOne' in op) targets.push({ _id: op.insertOne.document._id });
    else if ('deleteOne' in op || 'deleteMany' in op) continue;
    else {
      const filter = 'updateOne' in op ? op.updateOne.filter : 'updateMany' in op ? op.updateMany.filter : op.replaceOne.filter;
      const { [POSITION_FIELD]: _guard, ...rest } = filter;
      // A filter of nothing would name the whole collection: its documents get their pieces at their next write.
      if (Object.keys(rest).length > 0) targets.push(rest);
    }
  }
  return targets;
}

/** Where the adapter records that a collection's documents all have their search pieces. */
const META = 'read_store_meta';

class MongoReadCollection implements ReadCollection {
  constructor(
    private readonly collection: Collection<Doc>,
    private readonly store: MongoReadStore,
  ) {}

  /** The filter, with the search pieces' condition when this collection has them all. */
  private async searchable(filter: Filter): Promise<Filter> {
    const spec = this.store.searchSpec(this.collection.collectionName);
    return spec && (await this.store.searchReady(this.collection.collectionName)) ? withGrams(filter, spec) : filter;
  }

  /** After a write: new pieces for the written documents whose searched text changed, in the same session. */
  private async refreshGrams(ops: WriteOp[], session?: ClientSession): Promise<void> {
    const spec = this.store.searchSpec(this.collection.collectionName);
    if (!spec) return;
    const targets = writtenDocuments(ops);
    if (targets.length === 0) return;
    await this.collection.updateMany({ $and: [{ $or: targets }, staleGrams(spec)] }, gramsUpdate(spec), defined({ session }));
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection' | 'sort'> = {}): Promise<Doc | null> {
    return (await this.collection.findOne(await this.searchable(filter), defined({ projection: options.projection, sort: options.sort }))) as Doc | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<Doc[]> {
    let cursor = this.collection.find(await this.searchable(filter), defined({ projection: options.projection }));
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as Doc[];
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    return this.collection.countDocuments(await this.searchable(filter));
  }

  async findPage(filter: Filter, options: FindOptions = {}): Promise<{ items: Doc[]; total: number }> {
    const [items, total] = await Promise.all([this.find(filter, options), this.countDocuments(filter)]);
    return { items, total };
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<WriteResult> {
    try {
      const r = await this.collection.updateOne(filter, update as never, defined({ upsert: options.upsert }));
      await this.refreshGrams([{ updateOne: { filter, update } }]);
      return { ...emptyWriteResult(), matchedCount: r.matchedCount, modifiedCount: r.modifiedCount, upsertedCount: r.upsertedCount };
    } catch (error) {
      translate(error, this.collection.collectionName);
    }
  }

  async bulkWrite(ops: WriteOp[], session?: ClientSession): Promise<WriteResult> {
    if (ops.length === 0) return emptyWriteResult();
    try {
      const result = toResult(await this.collection.bulkWrite(ops as AnyBulkWriteOperation<Doc>[], defined({ ordered: true, session })));
      await this.refreshGrams(ops, session);
      return result;
    } catch (error) {
      translate(error, this.collection.collectionName);
    }
  }

  async deleteMany(filter: Filter): Promise<WriteResult> {
    const r = await this.collection.deleteMany(filter);
    return { ...emptyWriteResult(), deletedCount: r.deletedCount };
  }

  async aggregate<R = Record<string, unknown>>(pipeline: Record<string, unknown>[]): Promise<R[]> {
    return (await this.collection.aggregate(pipeline).toArray()) as R[];
  }

  /**
   * A search hint becomes an index on the scope and the search pieces; the documents
   * written before it get their pieces now, and then the collection is marked ready, so
   * queries use the pieces only once every document has them.
   */
  async createIndex(spec: IndexSpec): Promise<string> {
    const search = searchSpecOf(spec);
    if (!search) return this.collection.createIndex(spec.keys, defined({ unique: spec.unique, name: spec.name }));
    this.store.declareSearch(this.collection.collectionName, spec);
    const name = await this.collection.createIndex({ [search.scope]: 1, [GRAMS_FIELD]: 1 }, { name: search.name });
    await this.collection.updateMany(staleGrams(search), gramsUpdate(search));
    await this.store.markSearchReady(this.collection.collectionName);
    return name;
  }
}

/**
 * The production read store: MongoDB. Batches spanning collections run in a
 * transaction, which is why docker-compose starts MongoDB as a replica set.
 */
export class MongoReadStore implements ReadStore {
  readonly kind = 'mongodb' as const;
  private readonly db: Db;

  private constructor(
    private readonly client: MongoClient,
    dbName?: string,
  ) {
    this.db = client.db(dbName);
  }

  static async connect(uri: string, dbName?: string): Promise<MongoReadStore> {
    const client = createMongoClient(uri);
    await client.connect();
    return new MongoReadStore(client, dbName);
  }

  /** Shares a connected client (the service also keeps sessions and blobs in MongoDB). */
  static fromClient(client: MongoClient, dbName?: string): MongoReadStore {
    return new MongoReadStore(client, dbName);
  }

  collection<T extends Doc = Doc>(name: string): ReadCollection<T> {
    return new MongoReadCollection(this.db.collection<Doc>(name), this) as unknown as ReadCollection<T>;
  }

  private readonly searches = new Map<string, SearchSpec>();
  private readonly ready = new Map<string, { ready: boolean; checkedAt: number }>();

  /**
   * Declares a collection's search hint (a process that queries but never creates the
   * indexes, an API replica, learns it from the projections): its writes keep the
   * search pieces, and its queries use them once the collection is marked ready.
   */
  declareSearch(collection: string, spec: IndexSpec): void {
    const search = searchSpecOf(spec);
    if (search) this.searches.set(collection, search);
  }

  searchSpec(collection: string): SearchSpec | undefined {
    return this.searches.get(collection);
  }

  /** Whether every document of the collection has its pieces (asked again at most every 10 s until it has). */
  async searchReady(collection: string): Promise<boolean> {
    const known = this.ready.get(collection);
    if (known && (known.ready || Date.now() - known.checkedAt < 10_000)) return known.ready;
    const ready = (await this.db.collection<{ _id: string }>(META).countDocuments({ _id: `grams:${collection}` })) > 0;
    this.ready.set(collection, { ready, checkedAt: Date.now() });
    return ready;
  }

  async markSearchReady(collection: string): Promise<void> {
    await this.db.collection<{ _id: string; at: Date }>(META).updateOne({ _id: `grams:${collection}` }, { $set: { at: new Date() } }, { upsert: true });
    this.ready.set(collection, { ready: true, checkedAt: Date.now() });
  }

  async applyBatch(ops: CollectionWriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    // Consecutive ops on one collection go in one bulkWrite; order across collections is kept.
    const groups: { collection: string; ops: WriteOp[] }[] = [];
    for (const { collection, ...op } of ops) {
      const last = groups[groups.length - 1];
      if (last && last.collection === collection) last.ops.push(op as WriteOp);
      else groups.push({ collection, ops: [op as WriteOp] });
    }
    const session = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        for (const group of groups) await new MongoReadCollection(this.db.collection<Doc>(group.collection), this).bulkWrite(group.ops, session);
      });
    } finally {
      await session.endSession();
    }
  }

  async listCollections(): Promise<string[]> {
    return (await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  }

  async dropCollection(name: string): Promise<void> {
    await this.db.dropCollection(name).catch((error: unknown) => {
      if (!(error instanceof MongoServerError && error.codeName === 'NamespaceNotFound')) throw error;
    });
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
