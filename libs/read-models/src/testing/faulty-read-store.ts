import { sleep } from '#event-store';
import type { CollectionWriteOp, Doc, ReadCollection, ReadStore } from '../read-store.port.js';

/**
 * A read store decorator that injects the faults a real database has, around any
 * ReadStore (the contract suite runs through it): latency on every call (`delayMs`),
 * as MongoDB across a network has, and writes refused (a full disk, a lost primary)
 * with a storage error. A refused write stores nothing. Everything else goes to the
 * store underneath.
 */
export class FaultyReadStore implements ReadStore {
  readonly kind: ReadStore['kind'];
  private refusalsPending = 0;
  /** Which writes the refusals hit, by the collections they write (all by default). */
  private writesHit: (collections: string[]) => boolean = () => true;
  /** Writes refused so far. */
  refused = 0;

  constructor(
    private readonly inner: ReadStore,
    private readonly options: { delayMs?: number } = {},
  ) {
    this.kind = inner.kind;
    if (inner.bulkLoad) this.bulkLoad = (active) => inner.bulkLoad!(active);
  }

  bulkLoad?: ReadStore['bulkLoad'];

  /** The next `count` writes (a batch, a bulk write, an update) to the collections `hit` picks fail and store nothing. */
  refuseWrites(count = 1, hit: (collections: string[]) => boolean = () => true): void {
    this.refusalsPending += count;
    this.writesHit = hit;
  }

  /** Refuses nothing more. */
  stopRefusing(): void {
    this.refusalsPending = 0;
  }

  private async beforeWrite(collections: string[]): Promise<void> {
    await sleep(this.options.delayMs ?? 0);
    if (this.refusalsPending === 0 || !this.writesHit(collections)) return;
    this.refusalsPending--;
    this.refused++;
    throw Object.assign(new Error('injected: the read store refused the write'), { code: 'SQLITE_IOERR' });
  }

  collection<T extends Doc = Doc>(name: string): ReadCollection<T> {
    const inner = this.inner.collection<T>(name);
    const delay = () => sleep(this.options.delayMs ?? 0);
    const write = () => this.beforeWrite([name]);
    return {
      findOne: async (filter, options) => (await delay(), inner.findOne(filter, options)),
      find: async (filter, options) => (await delay(), inner.find(filter, options)),
      countDocuments: async (filter) => (await delay(), inner.countDocuments(filter)),
      findPage: async (filter, options) => (await delay(), inner.findPage(filter, options)),
      aggregate: async (pipeline) => (await delay(), inner.aggregate(pipeline)),
      updateOne: async (filter, update, options) => (await write(), inner.updateOne(filter, update, options)),
      bulkWrite: async (ops) => (await write(), inner.bulkWrite(ops)),
      deleteMany: async (filter) => (await write(), inner.deleteMany(filter)),
      createIndex: async (spec) => (await delay(), inner.createIndex(spec)),
    };
  }

  async applyBatch(ops: CollectionWriteOp[]): Promise<void> {
    await this.beforeWrite([...new Set(ops.map((op) => op.collection))]);
    return this.inner.applyBatch(ops);
  }

  async listCollections(): Promise<string[]> {
    await sleep(this.options.delayMs ?? 0);
    return this.inner.listCollections();
  }

  dropCollection(name: string): Promise<void> {
    return this.inner.dropCollection(name);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
