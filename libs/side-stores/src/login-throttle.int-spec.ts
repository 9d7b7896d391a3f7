import { describe, test } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { MongoLoginThrottle } from './login-throttle.js';
import { loginThrottleContract } from './testing/login-throttle.contract.js';

const uri = process.env.MONGODB_URI;

if (uri) {
  loginThrottleContract('MongoDB', async (windowMs) => {
    const client = new MongoClient(uri);
    await client.connect();
    const db = `login_throttle_contract_${process.pid}_${Date.now()}`;
    const throttle = new MongoLoginThrottle(client, db, windowMs);
    await throttle.init();
    return Object.assign(throttle, {
      close: async () => {
        await client.db(db).dropDatabase();
        await client.close();
      },
    });
  });
} else {
  describe('LoginThrottle contract: MongoDB', () => {
    test.skip('needs MONGODB_URI (docker compose up mongo)', () => {});
  });
}
