import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';
import { SqliteOneTimeStore } from './one-time-store.js';
import { oneTimeStoreContract } from './testing/one-time-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'one-time-'));
let n = 0;
oneTimeStoreContract('SQLite', async () => new SqliteOneTimeStore(join(dir, `sso-${n++}.db`)));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
