import { describe, test } from '@jest/globals';
import { readStoreContract } from '../testing/read-store.contract.js';
import { MongoReadStore } from './mongo-read-store.js';

const uri = process.env.MONGODB_URI;

if (uri) {
  readStoreContract('MongoDB', async () => MongoReadStore.connect(uri, `contract_${process.pid}`));
} else {
  describe('ReadStore contract: MongoDB', () => {
    test.skip('needs MONGODB_URI (docker compose up mongo)', () => {});
  });
}
