import { describe, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EventStoreDbEventStore } from '#event-store/eventstoredb';
import { MongoReadStore } from '#read-models/mongodb';
import { SHARED_STORE_PROJECTIONS } from '#runtime';
import { multiProcessSuite } from '../support/multi-process-suite.js';
import { expectReadModelsEqualRebuild } from '../support/read-models.js';
import { CHECKPOINTS, projectionId } from '#read-models';

/**
 * The same multi-process suite on the production stores: every process on one
 * EventStoreDB and one MongoDB database of its own (the projections start from the
 * beginning of $all). Needs EVENTSTORE_CONNECTION_STRING and MONGODB_URI (a replica set:
 * transactions); skips itself without them.
 */
const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
const mongo = process.env.MONGODB_URI;

if (esdb && mongo) {
  const database = `multi_${process.pid}_${Date.now()}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'org-multi-prod-'));
  const secretsKey = randomBytes(32).toString('base64');
  multiProcessSuite({
    name: 'on EventStoreDB and MongoDB',
    env: () => ({ EVENTSTORE_CONNECTION_STRING: esdb, MONGODB_URI: mongo, MONGODB_DB: database, SECRETS_KEY: secretsKey, DATA_DIR: dataDir }),
    async expectEqualRebuild(position) {
      const events = new EventStoreDbEventStore(esdb);
      const read = await MongoReadStore.connect(mongo, database);
      try {
        const ids = SHARED_STORE_PROJECTIONS.map(projectionId);
        const deadline = Date.now() + 30_000;
        for (;;) {
          const stored = await read.collection<{ _id: string; position: number }>(CHECKPOINTS).find({ _id: { $in: ids } });
          if ((stored.length === ids.length && Math.min(...stored.map((c) => c.position)) >= position) || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        // With MongoDB the audit log is one of the projections, compared with the others.
        return await expectReadModelsEqualRebuild(events, read, SHARED_STORE_PROJECTIONS);
      } finally {
        await events.close();
        await read.close();
      }
    },
    async cleanup() {
      const read = await MongoReadStore.connect(mongo, database);
      for (const name of await read.listCollections()) await read.dropCollection(name);
      await read.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
} else {
  describe('Two API processes and two projector processes, on EventStoreDB and MongoDB', () => {
    test.skip('needs EVENTSTORE_CONNECTION_STRING and MONGODB_URI (docker compose up -d eventstore mongo mailpit)', () => {});
  });
}
