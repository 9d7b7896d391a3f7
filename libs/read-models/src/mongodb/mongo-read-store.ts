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

class MongoReadCollection implements ReadCollection {
  constructor(private readonly collection: Collection<Doc>) {}

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection' | 'sort'> = {}): Promise<Doc | null> {
    return (await this.collection.findOne(filter, defined({ projection: options.projection, sort: options.sort }))) as Doc | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<Doc[]> {
    let cursor = this.collection.find(filter, defined({ projection: options.projection }));
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as Doc[];
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    return this.collection.countDocuments(filter);
  }

  async findPage(filter: Filter, options: FindOptions = {}): Promise<{ items: Doc[]; total: number }> {
    const [items, total] = await Promise.all([this.find(filter, options), this.countDocuments(filter)]);
    return { items, total };
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<WriteResult> {
    try {
      const r = await this.collection.updateOne(filter, update as never, defined({ upsert: options.upsert }));
      return { ...emptyWriteResult(), matchedCount: r.matchedCount, modifiedCount: r.modifiedCount, upsertedCount: r.upsertedCount };
    } catch (error) {
      translate(error, this.collection.collectionName);
    }
  }

  async bulkWrite(ops: WriteOp[], session?: ClientSession): Promise<WriteResult> {
    if (ops.length === 0) return emptyWriteResult();
    try {
      return toResult(await this.collection.bulkWrite(ops as AnyBulkWriteOperation<Doc>[], defined({ ordered: true, session })));
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

  async createIndex(spec: IndexSpec): Promise<string> {
    if (spec.substring) return spec.name ?? 'substring';
    return this.collection.createIndex(spec.keys, defined({ unique: spec.unique, name: spec.name }));
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
    return new MongoReadCollection(this.db.collection<Doc>(name)) as unknown as ReadCollection<T>;
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
        for (const group of groups) await new MongoReadCollection(this.db.collection<Doc>(group.collection)).bulkWrite(group.ops, session);
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
