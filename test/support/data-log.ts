import { join } from 'node:path';
import { SqliteEventStore, type EventStore } from '#event-store';
import { OpeningEventStore, PersonalDataVault, SecretBox } from '#runtime';
import { SqliteKeyStore } from '#side-stores';

/**
 * The event log of a data directory the service wrote, read as the service reads it:
 * personal values opened with the directory's keys (issue 20). `readAll({ sealed: true })`
 * gives the events as stored.
 */
export function openDataLog(dataDir: string): EventStore {
  const raw = new SqliteEventStore({ filename: join(dataDir, 'events.db') });
  const keys = new SqliteKeyStore(join(dataDir, 'keys.db'));
  const vault = new PersonalDataVault(keys, SecretBox.load({ envKey: null, keyFile: join(dataDir, 'secret.key') }));
  return new (class extends OpeningEventStore {
    override async close(): Promise<void> {
      await super.close();
      await keys.close();
    }
  })(raw, vault);
}
