import { describe, test } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { MongoOneTimeStore } from './one-time-store.js';
import { oneTimeStoreContract } from './testing/one-time-store.contract.js';

const uri = process.env.MONGODB_URI;

if (uri) {
  oneTimeStoreContract('MongoDB', async () => {
    const client = new MongoClient(uri);
    await client.connect();
    const db = `one_time_contract_${process.pid}_${Date.now()}`;
    const store = new MongoOneTimeStore(client, db);
    await store.init();
    return Object.assign(Object.create(store) as MongoOneTimeStore, {
      close: async () => {
        await client.db(db).dropDatabase();
        await client.close();
      },
    });
  });
} else {
  describe('OneTimeStore contract: MongoDB', () => {
    test.skip('needs MONGODB_URI (docker compose up mongo)', () => {});
  });
}
