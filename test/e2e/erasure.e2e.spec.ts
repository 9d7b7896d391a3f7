import { expect } from '@jest/globals';
import { searchFiles } from '../support/files.js';
import { erasureSuite } from '../support/erasure-suite.js';

/**
 * Erasure by crypto-shredding (issue 20) on the embedded default: every file of the data
 * directory is searched (test/support/erasure-suite.ts has the person's story).
 */
erasureSuite({
  name: 'every file of the embedded data directory',
  env: () => ({}),
  search: async (t, values) => searchFiles(t.dataDir, values),
  clearBefore(found) {
    // The read models hold them in clear (to sort and search by name), in the file or still in its write-ahead log.
    expect([...(found['read.db'] ?? []), ...(found['read.db-wal'] ?? [])]).toEqual(expect.arrayContaining(['Quirkenbacher-Vale', 'zoltan.quirkenbacher@erasure-test.example']));
    expect(Object.keys(found).filter((f) => f.startsWith('outbox/')).length).toBeGreaterThanOrEqual(2);
    // The import's file and its plan.
    expect(Object.keys(found).filter((f) => f.startsWith('blobs/')).length).toBe(2);
  },
  neverClear: ['events.db', 'events.db-wal', 'audit.db', 'audit.db-wal', 'keys.db', 'throttle.db', 'throttle.db-wal', 'sessions.db', 'sessions.db-wal'],
});
