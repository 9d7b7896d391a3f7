import { describe, expect, test } from '@jest/globals';
import { readStoreContract } from '../testing/read-store.contract.js';
import { MingoReadStore } from './mingo-read-store.js';

readStoreContract('mingo (in memory)', async () => new MingoReadStore());

describe('MingoReadStore indexes', () => {
  test('a query pinned to an indexed field tests only the documents under that value', async () => {
    const store = new MingoReadStore();
    const members = store.collection('members');
    await members.createIndex({ keys: { organizationId: 1 } });
    await members.bulkWrite(
      Array.from({ length: 1000 }, (_, i) => ({ insertOne: { document: { _id: `m${i}`, organizationId: `o${i % 10}`, n: i } } })),
    );
    // A getter counts how often the query engine reads a document's field.
    let reads = 0;
    const raw = (store as unknown as { raw(n: string): { docs: Map<string, Record<string, unknown>> } }).raw('members');
    for (const doc of raw.docs.values()) {
      const n = doc.n;
      Object.defineProperty(doc, 'n', { get: () => (reads++, n), enumerable: true, configurable: true });
    }
    const found = await members.find({ organizationId: 'o3', n: { $gte: 0 } });
    expect(found).toHaveLength(100);
    expect(reads).toBeLessThanOrEqual(200);
  });
});
