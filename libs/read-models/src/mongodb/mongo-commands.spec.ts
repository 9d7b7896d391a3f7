import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { BSON, Collection } from 'mongodb';
import { createMongoClient, MongoReadStore } from './mongo-read-store.js';

/**
 * What the MongoDB adapter hands the driver, checked without a server: every call the
 * adapter makes on a driver collection is captured, and each options object is
 * serialised to BSON the way the driver would (an `undefined` field becomes `null`).
 * A null option is what the server refused ("unique: null is not convertible to bool"),
 * so none may appear.
 */
const calls: { method: string; options: unknown }[] = [];

function capture<K extends keyof Collection>(method: K, optionsAt: number, result: unknown) {
  const spy = jest.spyOn(Collection.prototype as unknown as Record<string, (...args: unknown[]) => unknown>, method as string);
  spy.mockImplementation((...args: unknown[]) => {
    calls.push({ method, options: args[optionsAt] });
    return result;
  });
}

/** The paths of null values in a BSON round trip of `value`. */
function nullsIn(value: unknown): string[] {
  if (value === undefined) return [];
  const found: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (node === null) found.push(path);
    else if (typeof node === 'object' && !(node instanceof BSON.ObjectId)) for (const [key, child] of Object.entries(node as object)) walk(child, `${path}.${key}`);
  };
  // What the driver puts on the wire, with the serialiser's own default for undefined.
  walk(BSON.deserialize(BSON.serialize({ options: value } as never, { ignoreUndefined: false })), '');
  return found;
}

afterEach(() => {
  jest.restoreAllMocks();
  calls.length = 0;
});

describe('MongoDB commands the read store sends', () => {
  test('every client is opened with ignoreUndefined', () => {
    const options = createMongoClient('mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1').options as unknown as { ignoreUndefined?: boolean };
    expect(options.ignoreUndefined).toBe(true);
  });

  test('no options object carries a null where an option was left out', async () => {
    const cursor = { sort: () => cursor, skip: () => cursor, limit: () => cursor, toArray: async () => [] };
    capture('createIndex', 1, Promise.resolve('idx'));
    capture('findOne', 1, Promise.resolve(null));
    capture('find', 1, cursor);
    capture('updateOne', 2, Promise.resolve({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 }));
    capture('bulkWrite', 1, Promise.resolve({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0, deletedCount: 0, insertedCount: 0 }));
    capture('countDocuments', 1, Promise.resolve(0));
    // The client never connects: the driver's collections are reached through it, and every call is captured.
    const client = createMongoClient('mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1');
    const store = MongoReadStore.fromClient(client, 'commands');
    const members = store.collection('members');
    // Each optional field left out, as the projections and queries do.
    await members.createIndex({ keys: { organizationId: 1 } });
    await members.createIndex({ keys: { email: 1 }, unique: true });
    await members.findOne({ _id: 'x' });
    await members.find({ organizationId: 'o' });
    await members.findPage({ organizationId: 'o' }, { limit: 25 });
    await members.updateOne({ _id: 'x' }, { $set: { name: 'n' } });
    await members.bulkWrite([{ updateOne: { filter: { _id: 'x' }, update: { $set: { a: 1 } } } }]);
    expect(calls.map((c) => c.method)).toEqual(['createIndex', 'createIndex', 'findOne', 'find', 'find', 'countDocuments', 'updateOne', 'bulkWrite']);
    for (const call of calls) expect({ method: call.method, nulls: nullsIn(call.options) }).toEqual({ method: call.method, nulls: [] });
    await client.close();
  });

  test('a search hint: an index on the scope and the pieces, pieces made for the documents written before, and each write and search uses them', async () => {
    const cursor = { sort: () => cursor, skip: () => cursor, limit: () => cursor, toArray: async () => [] };
    const sent: { method: string; args: unknown[] }[] = [];
    for (const [method, result] of [
      ['createIndex', Promise.resolve('members_search')],
      ['updateMany', Promise.resolve({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 })],
      ['updateOne', Promise.resolve({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 })],
      ['bulkWrite', Promise.resolve({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, deletedCount: 0, insertedCount: 0 })],
      ['find', cursor],
      ['countDocuments', Promise.resolve(0)],
    ] as const)
      jest.spyOn(Collection.prototype as unknown as Record<string, (...args: unknown[]) => unknown>, method).mockImplementation(function (this: Collection, ...args: unknown[]) {
        sent.push({ method: `${this.collectionName}.${method}`, args });
        return result;
      });
    const client = createMongoClient('mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1');
    const store = MongoReadStore.fromClient(client, 'commands');
    const members = store.collection('members_v2');
    await members.createIndex({ keys: { organizationId: 1, lastNameSort: 1 }, name: 'members_search', substring: ['nameSearch', 'emailNormalized'] });
    expect(sent.map((c) => c.method)).toEqual(['members_v2.createIndex', 'members_v2.updateMany', 'read_store_meta.updateOne']);
    expect(sent[0].args[0]).toEqual({ organizationId: 1, _grams: 1 });
    // The documents written before: a pipeline update (an array), for those whose pieces are stale.
    expect(Array.isArray(sent[1].args[1])).toBe(true);
    expect(sent[1].args[0]).toHaveProperty('$expr');

    sent.length = 0;
    // A projector batch (applyBatch runs the same bulk write inside its transaction).
    await members.bulkWrite([{ updateOne: { filter: { _id: 'u1', _position: { $lt: 9 } }, update: { $set: { nameSearch: 'ada byron', _position: 9 } } } }]);
    const refresh = sent.find((c) => c.method === 'members_v2.updateMany')!;
    // The written document by its id (the position guard left out: it no longer matches after the write).
    expect(refresh.args[0]).toEqual({ $and: [{ $or: [{ _id: 'u1' }] }, expect.objectContaining({ $expr: expect.anything() })] });

    sent.length = 0;
    await members.find({ organizationId: 'o', $or: [{ nameSearch: { $regex: 'byr' } }, { emailNormalized: { $regex: 'byr' } }] });
    expect(sent[0]).toEqual({ method: 'members_v2.find', args: [expect.objectContaining({ _grams: { $all: ['byr'] } }), {}] });
    for (const call of sent) expect(nullsIn(call.args[1])).toEqual([]);
    await client.close();
  });
});
