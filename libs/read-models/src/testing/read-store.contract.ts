import { describe, expect, test, beforeEach, afterEach } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DuplicateKeyError, type Doc, type ReadCollection, type ReadStore } from '../read-store.port.js';

interface Person extends Doc {
  orgId: string;
  name: string;
  age: number;
  roles: string[];
  nick?: string;
  meta?: Record<string, unknown>;
  _position?: number;
}

/**
 * The behaviour every ReadStore adapter promises: the MongoDB subset that
 * projections and queries use. Run against SQLite in `npm test` and against MongoDB in
 * `npm run test:integration`.
 */
export function readStoreContract(name: string, factory: () => Promise<ReadStore>): void {
  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;
    let people: ReadCollection<Person>;
    let collectionName: string;

    beforeEach(async () => {
      store = await factory();
      collectionName = `people_${randomUUID().replace(/-/g, '')}`;
      people = store.collection<Person>(collectionName);
      await people.createIndex({ keys: { orgId: 1 } });
      await people.bulkWrite([
        { insertOne: { document: { _id: 'p1', orgId: 'a', name: 'Ada', age: 36, roles: ['admin'] } } },
        { insertOne: { document: { _id: 'p2', orgId: 'a', name: 'bob', age: 25, roles: ['instructor'] } } },
        { insertOne: { document: { _id: 'p3', orgId: 'b', name: 'Cy', age: 41, roles: ['admin', 'instructor'] } } },
        { insertOne: { document: { _id: 'p4', orgId: 'a', name: 'Dee', age: 30, roles: [] } } },
      ]);
    });

    afterEach(async () => {
      await store.dropCollection(collectionName);
      await store.close();
    });

    test('findOne by _id and by an indexed field', async () => {
      expect((await people.findOne({ _id: 'p2' }))?.name).toBe('bob');
      expect((await people.findOne({ orgId: 'b' }))?._id).toBe('p3');
      expect(await people.findOne({ _id: 'nope' })).toBeNull();
    });

    test('an array field declared in a multikey index is still matched by element, with $in and with equality', async () => {
      await people.createIndex({ keys: { orgId: 1, roles: 1 }, multikey: true });
      expect((await people.find({ orgId: 'a', roles: { $in: ['instructor', 'nobody'] } })).map((p) => p._id)).toEqual(['p2']);
      expect((await people.find({ roles: 'admin' }, { sort: { _id: 1 } })).map((p) => p._id)).toEqual(['p1', 'p3']);
    });

    test('$in and $nin with 1,500 values (a member import’s addresses), on the id, an indexed field, and any other', async () => {
      const many = (hit: string) => [...Array.from({ length: 1_499 }, (_, i) => `missing-${i}`), hit];
      expect((await people.find({ _id: { $in: many('p2') } })).map((p) => p._id)).toEqual(['p2']);
      expect((await people.find({ orgId: { $in: many('b') } })).map((p) => p._id)).toEqual(['p3']);
      expect((await people.find({ name: { $in: many('Dee') } })).map((p) => p._id)).toEqual(['p4']);
      expect((await people.find({ orgId: 'a', name: { $nin: many('Dee') } }, { sort: { _id: 1 } })).map((p) => p._id)).toEqual(['p1', 'p2']);
    });

    test('find with filter, sort, skip and limit', async () => {
      const page = await people.find({ orgId: 'a' }, { sort: { age: -1 }, skip: 1, limit: 1 });
      expect(page.map((p) => p._id)).toEqual(['p4']);
      const all = await people.find({ orgId: 'a' }, { sort: { name: 1 } });
      expect(all.map((p) => p.name)).toEqual(['Ada', 'Dee', 'bob']);
    });

    test('find with operators: $in, $gt, $regex case-insensitive, array element equality', async () => {
      expect((await people.find({ _id: { $in: ['p1', 'p3'] } }, { sort: { _id: 1 } })).map((p) => p._id)).toEqual(['p1', 'p3']);
      expect((await people.find({ age: { $gt: 35 } }, { sort: { _id: 1 } })).map((p) => p._id)).toEqual(['p1', 'p3']);
      expect((await people.find({ name: { $regex: 'B', $options: 'i' } })).map((p) => p._id)).toEqual(['p2']);
      expect((await people.find({ roles: 'instructor' }, { sort: { _id: 1 } })).map((p) => p._id)).toEqual(['p2', 'p3']);
      expect((await people.find({ orgId: 'a', $or: [{ name: 'Ada' }, { age: 30 }] }, { sort: { _id: 1 } })).map((p) => p._id)).toEqual(['p1', 'p4']);
    });

    test('findPage returns one sorted page and the total of all matches', async () => {
      const { items, total } = await people.findPage({ orgId: 'a' }, { sort: { age: 1 }, skip: 1, limit: 1 });
      expect(total).toBe(3);
      expect(items.map((p) => p._id)).toEqual(['p4']);
    });

    test('null matches missing fields, $ne and $exists see missing fields, ranges compare like with like', async () => {
      await people.updateOne({ _id: 'p4' }, { $set: { nick: 'dd', meta: { level: 2 } } });
      expect((await people.find({ nick: null }, { sort: { _id: 1 } })).map((p) => p._id)).toEqual(['p1', 'p2', 'p3']);
      expect((await people.find({ nick: { $ne: 'dd' } }, { sort: { _id: 1 } })).map((p) => p._id)).toEqual(['p1', 'p2', 'p3']);
      expect((await people.find({ nick: { $exists: true } })).map((p) => p._id)).toEqual(['p4']);
      expect((await people.find({ name: { $gt: 10 } })).map((p) => p._id)).toEqual([]);
      expect((await people.find({ 'meta.level': { $gte: 2 } })).map((p) => p._id)).toEqual(['p4']);
      expect((await people.find({ roles: { $in: ['admin'] }, age: { $lt: 40 } })).map((p) => p._id)).toEqual(['p1']);
    });

    test('$set on a dotted path, $unset, and an update that changes nothing', async () => {
      await people.updateOne({ _id: 'p1' }, { $set: { 'meta.level': 3, 'meta.tag': 'x' } });
      expect((await people.findOne({ _id: 'p1' }))?.meta).toEqual({ level: 3, tag: 'x' });
      await people.updateOne({ _id: 'p1' }, { $unset: { 'meta.tag': '' } });
      expect((await people.findOne({ _id: 'p1' }))?.meta).toEqual({ level: 3 });
      const same = await people.updateOne({ _id: 'p1' }, { $set: { name: 'Ada' } });
      expect(same.matchedCount).toBe(1);
      expect(same.modifiedCount).toBe(0);
    });

    test('$addToSet with $each adds what is missing once; $pull takes a value, or several with $in', async () => {
      await people.updateOne({ _id: 'p1' }, { $addToSet: { roles: { $each: ['admin', 'instructor', 'auditor'] } } });
      expect((await people.findOne({ _id: 'p1' }))?.roles).toEqual(['admin', 'instructor', 'auditor']);
      await people.updateOne({ _id: 'p1' }, { $pull: { roles: 'admin' } });
      expect((await people.findOne({ _id: 'p1' }))?.roles).toEqual(['instructor', 'auditor']);
      await people.updateOne({ _id: 'p3' }, { $pull: { roles: { $in: ['admin', 'instructor', 'nobody'] } } });
      expect((await people.findOne({ _id: 'p3' }))?.roles).toEqual([]);
    });

    test('projection returns only the asked fields', async () => {
      const [doc] = await people.find({ _id: 'p1' }, { projection: { name: 1 } });
      expect(doc).toEqual({ _id: 'p1', name: 'Ada' });
    });

    test('countDocuments with and without a filter', async () => {
      expect(await people.countDocuments()).toBe(4);
      expect(await people.countDocuments({ orgId: 'a' })).toBe(3);
      expect(await people.countDocuments({ orgId: 'zzz' })).toBe(0);
    });

    test('returned documents are copies: changing them does not change the store', async () => {
      const doc = await people.findOne({ _id: 'p1' });
      doc!.name = 'Mutated';
      doc!.roles.push('x');
      expect(await people.findOne({ _id: 'p1' })).toMatchObject({ name: 'Ada', roles: ['admin'] });
    });

    test('updateOne with $set and $inc, and the counts it reports', async () => {
      const r = await people.updateOne({ _id: 'p1' }, { $set: { name: 'Ada L.' }, $inc: { age: 1 } });
      expect(r.matchedCount).toBe(1);
      expect(r.modifiedCount).toBe(1);
      expect(await people.findOne({ _id: 'p1' })).toMatchObject({ name: 'Ada L.', age: 37 });
      const none = await people.updateOne({ _id: 'missing' }, { $set: { name: 'x' } });
      expect(none.matchedCount).toBe(0);
      expect(await people.countDocuments()).toBe(4);
    });

    test('upsert inserts from the filter and $setOnInsert, and leaves an existing document alone', async () => {
      const inserted = await people.updateOne({ _id: 'p9' }, { $setOnInsert: { orgId: 'c', name: 'New', age: 1, roles: [] } }, { upsert: true });
      expect(inserted.upsertedCount).toBe(1);
      expect(await people.findOne({ _id: 'p9' })).toMatchObject({ _id: 'p9', orgId: 'c', name: 'New' });
      const again = await people.updateOne({ _id: 'p9' }, { $setOnInsert: { name: 'Other' } }, { upsert: true });
      expect(again.upsertedCount).toBe(0);
      expect((await people.findOne({ _id: 'p9' }))?.name).toBe('New');
      expect(await people.countDocuments({ orgId: 'c' })).toBe(1);
    });

    test('a position guard in the filter makes a repeated update a no-op', async () => {
      await people.updateOne({ _id: 'p1' }, { $set: { _position: 5 } });
      const guarded = { _id: 'p1', _position: { $lt: 7 } };
      await people.updateOne(guarded, { $inc: { age: 1 }, $set: { _position: 7 } });
      await people.updateOne(guarded, { $inc: { age: 1 }, $set: { _position: 7 } });
      expect((await people.findOne({ _id: 'p1' }))?.age).toBe(37);
    });

    test('updates keep indexes right: a moved document is found under its new value only', async () => {
      await people.updateOne({ _id: 'p2' }, { $set: { orgId: 'b' } });
      expect((await people.find({ orgId: 'a' })).map((p) => p._id).sort()).toEqual(['p1', 'p4']);
      expect((await people.find({ orgId: 'b' })).map((p) => p._id).sort()).toEqual(['p2', 'p3']);
    });

    test('bulkWrite applies updates, replaces and deletes in order', async () => {
      const r = await people.bulkWrite([
        { updateMany: { filter: { orgId: 'a' }, update: { $inc: { age: 10 } } } },
        { replaceOne: { filter: { _id: 'p3' }, replacement: { _id: 'p3', orgId: 'b', name: 'Cyrus', age: 1, roles: [] } } },
        { deleteOne: { filter: { _id: 'p4' } } },
      ]);
      expect(r.modifiedCount).toBe(4);
      expect(r.deletedCount).toBe(1);
      expect((await people.findOne({ _id: 'p1' }))?.age).toBe(46);
      expect((await people.findOne({ _id: 'p3' }))?.name).toBe('Cyrus');
      expect(await people.findOne({ _id: 'p4' })).toBeNull();
    });

    test('deleteMany removes every match and reports the count', async () => {
      expect((await people.deleteMany({ orgId: 'a' })).deletedCount).toBe(3);
      expect(await people.countDocuments()).toBe(1);
    });

    test('aggregate with $match, $group and $sort', async () => {
      const rows = await people.aggregate<{ _id: string; count: number }>([
        { $match: { age: { $gte: 25 } } },
        { $group: { _id: '$orgId', count: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]);
      expect(rows).toEqual([
        { _id: 'a', count: 3 },
        { _id: 'b', count: 1 },
      ]);
    });

    test('a unique index refuses a duplicate with DuplicateKeyError', async () => {
      await people.createIndex({ keys: { name: 1 }, unique: true, name: 'name_unique' });
      await expect(people.bulkWrite([{ insertOne: { document: { _id: 'p5', orgId: 'a', name: 'Ada', age: 1, roles: [] } } }])).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      await expect(people.updateOne({ _id: 'p2' }, { $set: { name: 'Ada' } })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect((await people.findOne({ _id: 'p2' }))?.name).toBe('bob');
    });

    test('applyBatch writes across collections as one unit', async () => {
      const other = `others_${randomUUID().replace(/-/g, '')}`;
      await store.applyBatch([
        { collection: collectionName, updateOne: { filter: { _id: 'p1' }, update: { $set: { name: 'Batch' } } } },
        { collection: other, updateOne: { filter: { _id: 'x' }, update: { $set: { v: 1 } }, upsert: true } },
      ]);
      expect((await people.findOne({ _id: 'p1' }))?.name).toBe('Batch');
      expect(await store.collection(other).findOne({ _id: 'x' })).toEqual({ _id: 'x', v: 1 });
      await store.dropCollection(other);
    });

    test('a batch that fails part way leaves nothing of it behind', async () => {
      await people.createIndex({ keys: { name: 1 }, unique: true, name: 'name_unique' });
      await expect(
        store.applyBatch([
          { collection: collectionName, updateOne: { filter: { _id: 'p1' }, update: { $set: { age: 99 } } } },
          { collection: collectionName, insertOne: { document: { _id: 'p6', orgId: 'a', name: 'bob', age: 1, roles: [] } } },
        ]),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect((await people.findOne({ _id: 'p1' }))?.age).toBe(36);
      expect(await people.findOne({ _id: 'p6' })).toBeNull();
    });

    test('repeated updates to one document in a batch all apply, and all roll back if the batch fails', async () => {
      await store.applyBatch([
        { collection: collectionName, updateOne: { filter: { _id: 'p1' }, update: { $inc: { age: 1 }, $set: { name: 'One' } } } },
        { collection: collectionName, updateOne: { filter: { _id: 'p1' }, update: { $inc: { age: 1 }, $set: { name: 'Two' } } } },
        { collection: collectionName, updateOne: { filter: { _id: 'p1', age: { $lt: 40 } }, update: { $inc: { age: 1 } } } },
      ]);
      expect(await people.findOne({ _id: 'p1' })).toMatchObject({ name: 'Two', age: 39 });
      await people.createIndex({ keys: { name: 1 }, unique: true, name: 'name_unique' });
      await expect(
        store.applyBatch([
          { collection: collectionName, updateOne: { filter: { _id: 'p1' }, update: { $inc: { age: 10 } } } },
          { collection: collectionName, updateOne: { filter: { _id: 'p1' }, update: { $set: { nick: 'x' }, $inc: { age: 10 } } } },
          { collection: collectionName, updateOne: { filter: { _id: 'p2' }, update: { $set: { name: 'Two' } } } },
        ]),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await people.findOne({ _id: 'p1' })).toEqual({ _id: 'p1', orgId: 'a', name: 'Two', age: 39, roles: ['admin'] });
    });

    test('lists and drops collections', async () => {
      expect(await store.listCollections()).toContain(collectionName);
      await store.dropCollection(collectionName);
      expect(await store.listCollections()).not.toContain(collectionName);
      expect(await store.collection(collectionName).countDocuments()).toBe(0);
    });
  });
}
