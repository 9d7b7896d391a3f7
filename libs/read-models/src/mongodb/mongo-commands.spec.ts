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
});
