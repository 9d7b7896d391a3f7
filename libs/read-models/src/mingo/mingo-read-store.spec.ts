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

describe('MingoReadStore substring index', () => {
  // A seeded generator: the same sequence of writes and searches every run.
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const syllables = ['an', 'ber', 'co', 'dal', 'el', 'fi', 'gor', 'ha', 'is', 'jo', 'ka', 'lu'];
  const word = () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join('');

  test('answers every search exactly like a scan, through inserts, edits, moves, deletes and a rolled-back batch', async () => {
    const indexed = new MingoReadStore();
    const plain = new MingoReadStore();
    const a = indexed.collection('people');
    const b = plain.collection('people');
    await a.createIndex({ keys: { org: 1 }, name: 'search', substring: ['name', 'email'] });
    await b.createIndex({ keys: { org: 1 } });
    const ids: string[] = [];
    for (let step = 0; step < 3000; step++) {
      const roll = random();
      let op: import('../read-store.port.js').WriteOp;
      if (roll < 0.5 || ids.length < 10) {
        const id = `p${step}`;
        ids.push(id);
        op = { insertOne: { document: { _id: id, org: pick(['o1', 'o2', 'o3']), name: `${word()} ${word()}`, email: `${word()}@x.test`, status: pick(['active', 'deactivated']) } } };
      } else if (roll < 0.75) op = { updateOne: { filter: { _id: pick(ids) }, update: { $set: { name: `${word()} ${word()}` } } } };
      else if (roll < 0.85) op = { updateOne: { filter: { _id: pick(ids) }, update: { $set: { org: pick(['o1', 'o2', 'o3']), status: 'active' } } } };
      else op = { deleteOne: { filter: { _id: pick(ids) } } };
      await a.bulkWrite([op]);
      await b.bulkWrite([op]);
    }
    // A batch that fails halfway is rolled back, and the index with it.
    const failing = [
      { collection: 'people', updateOne: { filter: { _id: ids[0] }, update: { $set: { name: 'zzzrollback' } }, upsert: true } },
      { collection: 'people', insertOne: { document: { _id: ids[0], org: 'o1' } } },
    ];
    await expect(indexed.applyBatch(failing)).rejects.toThrow();
    await expect(plain.applyBatch(failing)).rejects.toThrow();

    let compared = 0;
    for (let q = 0; q < 200; q++) {
      const term = q === 0 ? 'zzzrollback' : word().slice(0, 2 + Math.floor(random() * 4));
      const filter = { org: pick(['o1', 'o2', 'o3']), status: { $ne: 'deactivated' }, $or: [{ name: { $regex: term } }, { email: { $regex: term } }] };
      const options = { sort: { name: 1 as const, _id: 1 as const }, limit: 25 };
      const [x, y] = await Promise.all([a.findPage(filter, options), b.findPage(filter, options)]);
      expect(x).toEqual(y);
      compared += y.total;
    }
    expect(compared).toBeGreaterThan(100);
  });

  test('a search reads only the documents that contain the text', async () => {
    const store = new MingoReadStore();
    const members = store.collection('members');
    await members.createIndex({ keys: { org: 1 }, name: 'search', substring: ['name'] });
    await members.bulkWrite(Array.from({ length: 1000 }, (_, i) => ({ insertOne: { document: { _id: `m${i}`, org: 'o', name: i % 100 === 0 ? `needle ${i}` : `hay ${i}`, n: i } } })));
    let reads = 0;
    const raw = (store as unknown as { raw(n: string): { docs: Map<string, Record<string, unknown>> } }).raw('members');
    for (const doc of raw.docs.values()) {
      const n = doc.n;
      Object.defineProperty(doc, 'n', { get: () => (reads++, n), enumerable: true, configurable: true });
    }
    const found = await members.find({ org: 'o', name: { $regex: 'needle' }, n: { $gte: 0 } });
    expect(found).toHaveLength(10);
    expect(reads).toBeLessThanOrEqual(20);
  });
});
