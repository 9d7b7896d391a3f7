import { describe, expect, test } from '@jest/globals';
import esdb from '@eventstore/db-client';
import { WrongExpectedRevisionError } from '../event-store.port.js';
import { EventStoreUnavailableError } from '../storage-errors.js';
import { EventStoreDbEventStore } from './esdb-event-store.js';

/**
 * The EventStoreDB adapter through transient errors, with a fault-injecting client in
 * place of a server (none can run here): the real client's error classes, thrown as the
 * client throws them.
 */
type Call = { stream: string; ids: string[]; expectedRevision: unknown };

function faultyClient(faults: Error[], calls: Call[]) {
  return {
    appendToStream: async (stream: string, events: { id: string }[], options: { expectedRevision: unknown }) => {
      calls.push({ stream, ids: events.map((e) => e.id), expectedRevision: options.expectedRevision });
      const fault = faults.shift();
      if (fault) throw fault;
      return { success: true, nextExpectedRevision: 3n, position: { commit: 42n, prepare: 42n } };
    },
  } as unknown as ConstructorParameters<typeof EventStoreDbEventStore>[0];
}

const events = [
  { id: '6f1c4f0e-0000-4000-a000-000000000001', type: 'OrganizationCreated', data: { organizationId: 'o' }, metadata: {} },
  { id: '6f1c4f0e-0000-4000-a000-000000000002', type: 'UserInvited', data: { organizationId: 'o' }, metadata: {} },
];
const fast = { budgetMs: 300, backoff: { initialMs: 5, maxMs: 40 } };
/** An instance of the client's own error class, as its gRPC layer would build it (some constructors need a gRPC error to read). */
const clientError = (type: { prototype: object }, fields: Record<string, unknown>): Error => Object.assign(Object.create(type.prototype) as Error, fields);

describe('EventStoreDB adapter: transient errors', () => {
  test('an append that meets "unavailable" and "not leader" is sent again, with the same event ids and expected revision, until it lands', async () => {
    const calls: Call[] = [];
    const store = new EventStoreDbEventStore(faultyClient([new esdb.UnavailableError(), clientError(esdb.NotLeaderError, { type: 'not-leader', message: 'not leader' })], calls), fast);
    expect(await store.append('organization-o', events, { expectedRevision: 1 })).toEqual({ nextRevision: 3, position: 42 });
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(call).toEqual({ stream: 'organization-o', ids: events.map((e) => e.id), expectedRevision: 1n });
  });

  test('past the retry budget it is EventStoreUnavailableError (503 event-store-unavailable), not the raw error', async () => {
    const calls: Call[] = [];
    const faults = Array.from({ length: 1000 }, () => new esdb.DeadlineExceededError());
    const store = new EventStoreDbEventStore(faultyClient(faults, calls), fast);
    const started = Date.now();
    await expect(store.append('organization-o', events, { expectedRevision: 1 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls.length).toBeGreaterThan(2);
  });

  test('a refusal is not retried: a wrong expected version is the conflict of the caller, at once', async () => {
    const calls: Call[] = [];
    const conflict = clientError(esdb.WrongExpectedVersionError, { message: 'wrong expected version', actualVersion: 5n, type: 'wrong-expected-version' });
    const store = new EventStoreDbEventStore(faultyClient([conflict], calls), fast);
    await expect(store.append('organization-o', events, { expectedRevision: 1 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(calls).toHaveLength(1);
  });
});
