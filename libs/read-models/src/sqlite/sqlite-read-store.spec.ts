import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoreContract } from '../testing/read-store.contract.js';
import { FaultyReadStore } from '../testing/faulty-read-store.js';
import { escapeRegex, type CollectionWriteOp, type Doc, type WriteOp } from '../read-store.port.js';
import { matches } from './documents.js';
import { SearchIndex } from './search-index.js';
import { SqliteReadStore } from './sqlite-read-store.js';

// On a real file (WAL), as the embedded default would open it, and in memory.
const dir = mkdtempSync(join(tmpdir(), 'read-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

readStoreContract('SQLite file', async () => new SqliteReadStore(join(dir, `read-${n++}.db`)));
readStoreContract('SQLite in memory', async () => new SqliteReadStore(':memory:'));
// Through the fault injector with 2 ms on every call, as MongoDB across a network answers.
readStoreContract('SQLite behind FaultyReadStore (2 ms a call)', async () => new FaultyReadStore(new SqliteReadStore(':memory:'), { delayMs: 2 }));

// A seeded generator: the same documents, writes and searches every run.
function seededRandom(start: number) {
  let seed = start;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const syllables = ['an', 'ber', 'co', 'dal', 'el', 'fi', 'gor', 'ha', 'is', 'jo', 'ka', 'lu', 'Ü', '𝒜'];
  const word = () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join('');
  return { random, pick, word };
}

describe('the JavaScript matcher and the compiled SQL agree', () => {
  test('on random documents and filters over every supported operator', async () => {
    const { random, pick, word } = seededRandom(11);
    const store = new SqliteReadStore(':memory:');
    const things = store.collection('things');
    await things.createIndex({ keys: { org: 1 } });
    const value = () => pick<unknown>([null, 1, 2, 3.5, 'a', 'b', word(), true, false, ['a', 'b'], [1, 2], { k: 1 }, undefined]);
    const docs = Array.from({ length: 200 }, (_, i) => {
      const doc: Record<string, unknown> = { _id: `t${i}`, org: pick(['o1', 'o2']), n: Math.floor(random() * 10), nested: { level: Math.floor(random() * 3) } };
      const v = value();
      if (v !== undefined) doc.v = v;
      return doc as Doc;
    });
    await things.bulkWrite(docs.map((document) => ({ insertOne: { document } })));
    const condition = (): unknown => {
      const operand = pick<unknown>([1, 2, 'a', 'b', true, null]);
      switch (Math.floor(random() * 10)) {
        case 0: return operand;
        case 1: return { $ne: operand };
        case 2: return { $in: [operand, pick([1, 'a', null])] };
        case 3: return { $nin: [operand] };
        case 4: return { [pick(['$gt', '$gte', '$lt', '$lte'])]: pick([1, 2, 'a']) };
        case 5: return { $exists: random() < 0.5 };
        case 6: return { $regex: pick(['a', 'an', '^b', 'Ü']), ...(random() < 0.3 ? { $options: 'i' } : {}) };
        case 7: return { k: 1 };
        case 8: return ['a', 'b'];
        default: return { $gte: 1, $lt: 3 };
      }
    };
    const leaf = (): Record<string, unknown> => ({ [pick(['v', 'n', 'nested.level', 'org', 'missing'])]: condition() });
    const filter = (depth: number): Record<string, unknown> => {
      if (depth > 1 || random() < 0.5) return { ...leaf(), ...(random() < 0.5 ? { org: pick(['o1', 'o2']) } : {}) };
      return { [pick(['$and', '$or', '$nor'])]: [filter(depth + 1), filter(depth + 1)] };
    };
    let nonEmpty = 0;
    for (let i = 0; i < 400; i++) {
      const f = filter(0);
      const bySql = (await things.find(f, { sort: { _id: 1 } })).map((d) => d._id);
      const byJs = docs.filter((d) => matches(d, f)).map((d) => d._id).sort();
      expect({ filter: f, ids: byJs }).toEqual({ filter: f, ids: bySql });
      if (bySql.length > 0 && bySql.length < docs.length) nonEmpty++;
    }
    // The filters discriminate: most select some documents and not others.
    expect(nonEmpty).toBeGreaterThan(150);
    await store.close();
  });
});

describe('SQLite search index', () => {
  test('answers every search exactly like SQL, through inserts, edits, moves, deletes and a rolled-back batch', async () => {
    const { random, pick, word } = seededRandom(7);
    const indexed = new SqliteReadStore(':memory:');
    const plain = new SqliteReadStore(':memory:');
    const a = indexed.collection('people');
    const b = plain.collection('people');
    await a.createIndex({ keys: { org: 1, name: 1 } });
    await a.createIndex({ keys: { org: 1, name: 1 }, name: 'search', substring: ['name', 'email'], covers: ['status'] });
    await b.createIndex({ keys: { org: 1, name: 1 } });
    const ids: string[] = [];
    const search = async (q: number) => {
      const term = q === 0 ? 'zzzrollback' : word().slice(0, 1 + Math.floor(random() * 4));
      const literal = { $regex: escapeRegex(term) };
      // The member list's shape most of the time; others the index must not take for it.
      const shape = pick(['list', 'list', 'list', 'name only', 'mixed or', 'other literal', 'status only']);
      const filter: Record<string, unknown> = { org: pick(['o1', 'o2', 'o3']) };
      if (shape === 'list') Object.assign(filter, { status: { $ne: 'deactivated' }, $or: [{ name: literal }, { email: literal }] });
      if (shape === 'name only') Object.assign(filter, { name: literal, status: 'active' });
      if (shape === 'mixed or') Object.assign(filter, { $or: [{ name: literal }, { email: `${word()}@x.test` }] });
      if (shape === 'other literal') Object.assign(filter, { name: literal, $or: [{ name: { $regex: word().slice(0, 2) } }, { email: { $regex: word().slice(0, 2) } }] });
      if (shape === 'status only') Object.assign(filter, { status: 'active', $or: [{ name: literal }, { email: literal }] });
      const options = { sort: { name: 1 as const, _id: 1 as const }, skip: pick([0, 0, 3]), limit: 25 };
      const [x, y] = await Promise.all([a.findPage(filter, options), b.findPage(filter, options)]);
      expect(x).toEqual(y);
      expect(await a.countDocuments(filter)).toBe(y.total);
      return y.total;
    };
    let compared = 0;
    for (let step = 0; step < 3000; step++) {
      const roll = random();
      let op: WriteOp;
      if (roll < 0.5 || ids.length < 10) {
        const id = `p${step}`;
        ids.push(id);
        op = { insertOne: { document: { _id: id, org: pick(['o1', 'o2', 'o3']), name: `${word()} ${word()}`, email: `${word()}@x.test`, status: pick(['active', 'deactivated']) } } };
      } else if (roll < 0.75) op = { updateOne: { filter: { _id: pick(ids) }, update: { $set: { name: `${word()} ${word()}` } } } };
      else if (roll < 0.85) op = { updateOne: { filter: { _id: pick(ids) }, update: { $set: { org: pick(['o1', 'o2', 'o3']), status: 'active' } } } };
      else if (roll < 0.99) op = { deleteOne: { filter: { _id: pick(ids) } } };
      // A write by filter: the index cannot follow it document by document.
      else op = { updateMany: { filter: { org: pick(['o1', 'o2', 'o3']), status: 'active' }, update: { $set: { status: 'deactivated' } } } };
      await a.bulkWrite([op]);
      await b.bulkWrite([op]);
      // Searches between the writes, so the index is loaded and follows them.
      if (step % 50 === 0) compared += await search(step + 1);
    }
    // A batch that fails halfway is rolled back, and the index with it.
    const failing: CollectionWriteOp[] = [
      { collection: 'people', updateOne: { filter: { _id: ids[0] }, update: { $set: { name: 'zzzrollback' } }, upsert: true } },
      { collection: 'people', insertOne: { document: { _id: ids[0], org: 'o1' } } },
    ];
    await expect(indexed.applyBatch(failing)).rejects.toThrow();
    await expect(plain.applyBatch(failing)).rejects.toThrow();
    for (let q = 0; q < 200; q++) compared += await search(q);
    expect(compared).toBeGreaterThan(100);
  });

  test('a search is answered by the index, and a query the index cannot answer by SQL', async () => {
    const store = new SqliteReadStore(':memory:');
    const members = store.collection('members');
    await members.createIndex({ keys: { org: 1, name: 1 } });
    await members.createIndex({ keys: { org: 1, name: 1 }, name: 'search', substring: ['name'] });
    await members.bulkWrite(Array.from({ length: 1000 }, (_, i) => ({ insertOne: { document: { _id: `m${i}`, org: 'o', name: i % 100 === 0 ? `needle ${i}` : `hay ${i}`, n: i } } })));
    const search = (store as unknown as { table(n: string): { search: SearchIndex } }).table('members').search;
    const answered: boolean[] = [];
    const query = search.query.bind(search);
    search.query = (...args) => {
      const result = query(...args);
      answered.push(result !== null);
      return result;
    };
    expect(await members.find({ org: 'o', name: { $regex: 'needle' } }, { sort: { name: 1 } })).toHaveLength(10);
    // `n` is not in the index, a pattern is not a literal text, a sort it does not keep.
    expect(await members.find({ org: 'o', name: { $regex: 'needle' }, n: { $gte: 0 } })).toHaveLength(10);
    expect(await members.find({ org: 'o', name: { $regex: '^needle' } })).toHaveLength(10);
    expect(await members.find({ org: 'o', name: { $regex: 'needle' } }, { sort: { name: -1 } })).toHaveLength(10);
    expect(answered).toEqual([true, false, false, false]);
    expect(search.loadedEntries).toBe(1000);
    await store.close();
  });

  test('loaded partitions are evicted least recently used beyond the entry limit', () => {
    const loads: string[] = [];
    const index = new SearchIndex({ partition: 'org', order: [], text: ['name'], covers: [] }, (org) => {
      loads.push(org);
      return Array.from({ length: 10 }, (_, i) => ({ _id: `${org}-${i}`, org, name: `n${i}` }));
    }, 25);
    for (const org of ['a', 'b', 'a', 'c', 'a', 'b']) index.query({ org, name: { $regex: 'n1' } });
    // a, b, c are loaded once each; c pushes out b (least recently used), which is loaded again.
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
    expect(index.loadedEntries).toBeLessThanOrEqual(25);
  });
});

describe('SQLite search index and other processes', () => {
  test("a write another connection commits to the file (a projector in another process) is in this store's next search", async () => {
    const file = join(dir, `shared-${n++}.db`);
    const api = new SqliteReadStore(file);
    const projector = new SqliteReadStore(file);
    // Two collections with a search index: the file's one change counter serves both.
    for (const store of [api, projector])
      for (const name of ['members', 'classes']) {
        await store.collection(name).createIndex({ keys: { org: 1, name: 1 } });
        await store.collection(name).createIndex({ keys: { org: 1, name: 1 }, name: 'search', substring: ['name'] });
      }
    await projector.collection('classes').bulkWrite([{ insertOne: { document: { _id: 'c1', org: 'o', name: 'love poems' } } }]);
    const searchClasses = () => api.collection('classes').findPage({ org: 'o', name: { $regex: 'love' } }, { sort: { name: 1 } });
    expect((await searchClasses()).total).toBe(1);
    await projector.collection('members').bulkWrite([{ insertOne: { document: { _id: 'm1', org: 'o', name: 'ada lovelace' } } }]);
    const search = () => api.collection('members').findPage({ org: 'o', name: { $regex: 'love' } }, { sort: { name: 1 } });
    expect((await search()).total).toBe(1);
    // The index is loaded now; the other connection writes.
    await projector.collection('members').bulkWrite([
      { insertOne: { document: { _id: 'm2', org: 'o', name: 'grace lovelock' } } },
      { updateOne: { filter: { _id: 'm1' }, update: { $set: { name: 'ada byron' } } } },
    ]);
    await projector.collection('classes').bulkWrite([{ insertOne: { document: { _id: 'c2', org: 'o', name: 'lovelace seminar' } } }]);
    expect((await search()).items.map((d) => d._id)).toEqual(['m2']);
    // The members' search took notice first; the classes' must not miss the change for it.
    expect((await searchClasses()).items.map((d) => d._id)).toEqual(['c1', 'c2']);
    await api.close();
    await projector.close();
  });
});
