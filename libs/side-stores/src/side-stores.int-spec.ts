import { describe, test } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { MongoKeyStore } from './key-store.js';
import { keyStoreContract } from './testing/key-store.contract.js';
import { MongoBlobStore } from './blob-store.js';
import { MongoLoginThrottle } from './login-throttle.js';
import { MongoOneTimeStore } from './one-time-store.js';
import { MongoReactorStore } from './reactor-store.js';
import { MongoSessionStore } from './session-store.js';
import { blobStoreContract } from './testing/blob-store.contract.js';
import { loginThrottleContract } from './testing/login-throttle.contract.js';
import { oneTimeStoreContract } from './testing/one-time-store.contract.js';
import { reactorStoreContract } from './testing/reactor-store.contract.js';
import { sessionStoreContract } from './testing/session-store.contract.js';

const uri = process.env.MONGODB_URI;

/** Each suite gets a database of its own, dropped afterwards. */
async function database(prefix: string) {
  // As the service opens its clients (MONGO_CLIENT_OPTIONS in #read-models/mongodb).
  const client = new MongoClient(uri!, { ignoreUndefined: true });
  await client.connect();
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const drop = async () => {
    await client.db(name).dropDatabase();
    await client.close();
  };
  return { client, name, drop };
}

if (uri) {
  loginThrottleContract('MongoDB', async (windowMs) => {
    const { client, name, drop } = await database('login_throttle_contract');
    const throttle = new MongoLoginThrottle(client, name, windowMs);
    await throttle.init();
    return Object.assign(throttle, { close: drop });
  });
  oneTimeStoreContract('MongoDB', async () => {
    const { client, name, drop } = await database('one_time_contract');
    const store = new MongoOneTimeStore(client, name);
    await store.init();
    return Object.assign(Object.create(store) as MongoOneTimeStore, { close: drop });
  });
  sessionStoreContract('MongoDB', async () => {
    const { client, name, drop } = await database('sessions_contract');
    const store = new MongoSessionStore(client, name);
    await store.init();
    return Object.assign(Object.create(store) as MongoSessionStore, { close: drop });
  });
  reactorStoreContract('MongoDB', async () => {
    const { client, name, drop } = await database('reactors_contract');
    return Object.assign(Object.create(new MongoReactorStore(client, name)) as MongoReactorStore, { close: drop });
  });
  keyStoreContract('MongoDB', async () => {
    const { client, name, drop } = await database('keys_contract');
    return { store: new MongoKeyStore(client, name), other: new MongoKeyStore(client, name), close: drop };
  });
  blobStoreContract('MongoDB', async () => {
    const { client, name, drop } = await database('blobs_contract');
    return Object.assign(Object.create(new MongoBlobStore(client, name)) as MongoBlobStore, { close: drop });
  });
} else {
  describe('Side store contracts (sessions, sign-in windows, one-time values, blobs, reactor progress): MongoDB', () => {
    test.skip('needs MONGODB_URI (docker compose up mongo)', () => {});
  });
}
