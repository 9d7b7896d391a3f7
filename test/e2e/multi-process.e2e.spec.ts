import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { openDataLog } from '../support/data-log.js';
import { SqliteAuditLog, SqliteReadStore } from '#read-models';
import { upcastRecorded } from '#runtime';
import { multiProcessSuite } from '../support/multi-process-suite.js';
import { expectReadModelsEqualRebuild } from '../support/read-models.js';

/**
 * The production shape's multi-process logic on one machine: every process on one data
 * directory, sharing the SQLite files (WAL makes them safe across processes).
 */
const dataDir = mkdtempSync(join(tmpdir(), 'org-multi-'));

multiProcessSuite({
  name: 'on one SQLite data directory',
  env: () => ({ DATA_DIR: dataDir }),
  async expectEqualRebuild(position) {
    const events = openDataLog(dataDir);
    const read = new SqliteReadStore(join(dataDir, 'read.db'));
    const audit = new SqliteAuditLog(join(dataDir, 'audit.db'));
    const rebuiltAudit = new SqliteAuditLog(':memory:');
    try {
      const deadline = Date.now() + 15_000;
      while ((await audit.checkpoint()) < position && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const compared = await expectReadModelsEqualRebuild(events, read);
      // The audit log, which the embedded default keeps in its own file.
      const reached = await audit.checkpoint();
      expect(reached).toBeGreaterThanOrEqual(position);
      const all = [];
      // As stored: the audit log keeps personal values sealed (issue 20).
      for await (const event of events.readAll({ sealed: true })) if (event.position <= reached) all.push(upcastRecorded(event));
      await rebuiltAudit.handle(all);
      const organizations = new Set(all.map((e) => e.metadata.organizationId as string | undefined).filter((id): id is string => !!id));
      for (const organizationId of [null, ...organizations]) {
        const everything = { organizationId, page: 1, pageSize: 100_000 };
        expect(await audit.page(everything)).toEqual(await rebuiltAudit.page(everything));
      }
      return compared;
    } finally {
      await Promise.all([events.close(), read.close(), audit.close(), rebuiltAudit.close()]);
    }
  },
  async cleanup() {
    rmSync(dataDir, { recursive: true, force: true });
  },
});
