import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlobStore } from './blob-store.js';
import { SqliteKeyStore } from './key-store.js';
import { keyStoreContract } from './testing/key-store.contract.js';
import { MemoryLoginThrottle, SqliteLoginThrottle } from './login-throttle.js';
import { SqliteOneTimeStore } from './one-time-store.js';
import { SqliteReactorStore } from './reactor-store.js';
import { SqliteSessionStore } from './session-store.js';
import { blobStoreContract } from './testing/blob-store.contract.js';
import { loginThrottleContract } from './testing/login-throttle.contract.js';
import { oneTimeStoreContract } from './testing/one-time-store.contract.js';
import { reactorStoreContract } from './testing/reactor-store.contract.js';
import { sessionStoreContract } from './testing/session-store.contract.js';

// The embedded default's adapters, on real files.
const dir = mkdtempSync(join(tmpdir(), 'side-stores-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

loginThrottleContract('memory', async (windowMs) => new MemoryLoginThrottle(windowMs));
loginThrottleContract('SQLite (embedded)', async (windowMs) => new SqliteLoginThrottle(join(dir, `throttle-${n++}.db`), windowMs));
oneTimeStoreContract('SQLite (embedded)', async () => new SqliteOneTimeStore(join(dir, `sso-${n++}.db`)));
sessionStoreContract('SQLite (embedded)', async () => new SqliteSessionStore(join(dir, `sessions-${n++}.db`)));
reactorStoreContract('SQLite (embedded)', async () => new SqliteReactorStore(join(dir, `reactors-${n++}.db`)));
blobStoreContract('files (embedded)', async () => new FileBlobStore(join(dir, `blobs-${n++}`)));
keyStoreContract('SQLite (embedded)', async () => {
  const file = join(dir, `keys-${n++}.db`);
  const [store, other] = [new SqliteKeyStore(file), new SqliteKeyStore(file)];
  return { store, other, close: async () => void (await Promise.all([store.close(), other.close()])) };
});
