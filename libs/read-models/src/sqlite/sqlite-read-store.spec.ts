import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoreContract } from '../testing/read-store.contract.js';
import { SqliteReadStore } from './sqlite-read-store.js';

// On a real file (WAL), as the embedded default would open it, and in memory.
const dir = mkdtempSync(join(tmpdir(), 'read-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

readStoreContract('SQLite file', async () => new SqliteReadStore(join(dir, `read-${n++}.db`)));
readStoreContract('SQLite in memory', async () => new SqliteReadStore(':memory:'));
