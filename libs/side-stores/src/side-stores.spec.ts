import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlobStore } from './blob-store.js';
import { SqliteReactorStore } from './reactor-store.js';
import { SqliteSessionStore } from './session-store.js';
import { blobStoreContract } from './testing/blob-store.contract.js';
import { reactorStoreContract } from './testing/reactor-store.contract.js';
import { sessionStoreContract } from './testing/session-store.contract.js';

// The embedded default's adapters, on real files.
const dir = mkdtempSync(join(tmpdir(), 'side-stores-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

sessionStoreContract('SQLite (embedded)', async () => new SqliteSessionStore(join(dir, `sessions-${n++}.db`)));
reactorStoreContract('SQLite (embedded)', async () => new SqliteReactorStore(join(dir, `reactors-${n++}.db`)));
blobStoreContract('files (embedded)', async () => new FileBlobStore(join(dir, `blobs-${n++}`)));
