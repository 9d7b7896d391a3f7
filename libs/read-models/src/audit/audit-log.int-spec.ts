import { describe, test } from '@jest/globals';
import { MongoReadStore } from '../mongodb/mongo-read-store.js';
import { auditLogContract } from '../testing/audit-log.contract.js';
import { auditProjection, ReadStoreAuditLog } from './audit.projection.js';

const uri = process.env.MONGODB_URI;

if (uri) {
  auditLogContract('MongoDB collection', async () => {
    const store = await MongoReadStore.connect(uri, `audit_contract_${process.pid}_${Date.now()}`);
    for (const index of auditProjection.collections[0].indexes) await store.collection(auditProjection.collections[0].name).createIndex(index);
    return {
      log: new ReadStoreAuditLog(store),
      feed: (events) => store.applyBatch(events.filter((e) => auditProjection.canHandle(e)).flatMap((e) => auditProjection.project(e))),
      close: async () => {
        await store.dropCollection(auditProjection.collections[0].name);
        await store.close();
      },
    };
  });
} else {
  describe('AuditLog contract: MongoDB collection', () => {
    test.skip('needs MONGODB_URI (docker compose up mongo)', () => {});
  });
}
