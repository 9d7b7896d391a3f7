import { describe, test } from '@jest/globals';
import { eventStoreContract } from '../testing/event-store.contract.js';
import { EventStoreDbEventStore } from './esdb-event-store.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  eventStoreContract('EventStoreDB', async () => new EventStoreDbEventStore(connectionString));
} else {
  describe('EventStore contract: EventStoreDB', () => {
    test.skip('needs EVENTSTORE_CONNECTION_STRING (docker compose up eventstore)', () => {});
  });
}
