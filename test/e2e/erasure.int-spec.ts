import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { EventStoreDbEventStore } from '#event-store/eventstoredb';
import { erasureSuite } from '../support/erasure-suite.js';
import { searchFiles } from '../support/files.js';

/**
 * The erasure suite (issue 20) on the production stores: besides the data directory's
 * files, every document of every MongoDB collection of the service's database and every
 * event of EventStoreDB's log are searched. Needs EVENTSTORE_CONNECTION_STRING and
 * MONGODB_URI; skips itself without them. What the servers keep below their API (MongoDB's
 * files and journal, EventStoreDB's chunks of deleted streams) is not searched.
 */
const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
const mongo = process.env.MONGODB_URI;

const hitsIn = (text: string, values: string[]) => values.filter((v) => text.toLowerCase().includes(v.toLowerCase()));

if (esdb && mongo) {
  const database = `erasure_${process.pid}_${Date.now()}`;
  const secretsKey = randomBytes(32).toString('base64');
  erasureSuite({
    name: 'EventStoreDB, MongoDB and the data directory',
    env: () => ({ EVENTSTORE_CONNECTION_STRING: esdb, MONGODB_URI: mongo, MONGODB_DB: database, SECRETS_KEY: secretsKey }),
    async search(t, values) {
      const found = searchFiles(t.dataDir, values);
      const client = new MongoClient(mongo, { ignoreUndefined: true });
      await client.connect();
      try {
        const db = client.db(database);
        for (const { name } of await db.listCollections().toArray()) {
          const hits = hitsIn(JSON.stringify(await db.collection(name).find({}).toArray()), values);
          if (hits.length) found[`mongodb:${name}`] = hits;
        }
      } finally {
        await client.close();
      }
      const log = new EventStoreDbEventStore(esdb);
      try {
        const hits = new Set<string>();
        for await (const event of log.readAll()) for (const hit of hitsIn(JSON.stringify(event), values)) hits.add(hit);
        if (hits.size) found.eventstoredb = [...hits];
      } finally {
        await log.close();
      }
      return found;
    },
    clearBefore(found) {
      expect(found['mongodb:members_v3']).toEqual(expect.arrayContaining(['Quirkenbacher-Vale', 'zoltan.quirkenbacher@erasure-test.example']));
    },
    neverClear: ['eventstoredb', 'mongodb:personal_keys', 'mongodb:audit_v1'],
  });
} else {
  describe('Erasure by crypto-shredding: EventStoreDB and MongoDB', () => {
    test.skip('needs EVENTSTORE_CONNECTION_STRING and MONGODB_URI', () => {});
  });
}
