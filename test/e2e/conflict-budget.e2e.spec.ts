import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { WrongExpectedRevisionError } from '#event-store';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Replicas editing one organization conflict at the event store: each loser decides
 * again on fresh state. Here the event store answers "wrong expected revision" to the
 * first appends of an edit, as it would while other replicas keep winning the race.
 */
let t: TestApp;
let auth: string;
let orgId: string;
/** Times of the edit's append attempts, and how many conflicts are still to come. */
let attempts: number[] = [];
let conflictsLeft = 0;

beforeAll(async () => {
  t = await startTestApp();
  auth = await t.login();
  orgId = (await t.http().post('/organizations').set('Authorization', auth).send({ name: 'Contended School', timeZone: 'UTC' })).body.id;
  const store = t.infra.eventStore;
  const append = store.append.bind(store);
  store.append = async (stream, events, options) => {
    if (stream === `organization-${orgId}`) {
      attempts.push(performance.now());
      if (conflictsLeft > 0) {
        conflictsLeft--;
        throw new WrongExpectedRevisionError(stream, options?.expectedRevision ?? 'any', 0);
      }
    }
    return append(stream, events, options);
  };
});

afterAll(async () => {
  await t?.close();
});

const edit = (headers: Record<string, string> = {}) => t.http().patch(`/organizations/${orgId}`).set('Authorization', auth).set(headers).send({ description: `edit ${Math.random()}` });

test('an edit without If-Match that loses the race seven times in a row still lands, after pauses that grow', async () => {
  attempts = [];
  conflictsLeft = 7; // more than the five tries there used to be
  const response = await edit();
  expect(response.status).toBe(200);
  expect(attempts).toHaveLength(8);
  const pauses = attempts.slice(1).map((at, i) => at - attempts[i]);
  // Jittered backoff: at least half of 8 ms, 16 ms, 32 ms... before each new try, capped at 200 ms.
  const floors = [4, 8, 16, 32, 64, 100, 100];
  pauses.forEach((pause, i) => expect(pause).toBeGreaterThanOrEqual(floors[i] - 1));
});

test('past its budget of ten tries it answers 409 concurrency-conflict, and nothing of it is in the log', async () => {
  const before = (await t.infra.eventStore.readStream(`organization-${orgId}`)).length;
  attempts = [];
  conflictsLeft = 10;
  const response = await edit();
  expect(response.status).toBe(409);
  expect(response.body.code).toBe('concurrency-conflict');
  expect(attempts).toHaveLength(10);
  expect(await t.infra.eventStore.readStream(`organization-${orgId}`)).toHaveLength(before);
});
