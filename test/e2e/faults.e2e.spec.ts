import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { FaultyEventStore } from '#event-store/testing';
import { CHECKPOINTS } from '#read-models';
import { FaultyReadStore } from '#read-models/testing';
import { expectReadModelsEqualRebuild } from '../support/read-models.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The service with fault-injecting decorators around its EventStore and ReadStore ports:
 * what a client sees when the event log's server is out of reach or loses an answer, and
 * when the read store refuses the projector's writes for a while.
 */
let t: TestApp;
let events: FaultyEventStore;
let reads: FaultyReadStore;
let auth: string;
let orgId: string;

beforeAll(async () => {
  t = await startTestApp({}, undefined, {
    wrap: (stores) => {
      events = new FaultyEventStore(stores.eventStore);
      reads = new FaultyReadStore(stores.readStore);
      return { ...stores, eventStore: events, readStore: reads };
    },
  });
  auth = await t.login();
  orgId = (await t.http().post('/organizations').set('Authorization', auth).send({ name: 'Faulty Falls School', timeZone: 'UTC' })).body.id;
});

afterAll(async () => {
  await t?.close();
});

const organizationEvents = async () => events.readStream(`organization-${orgId}`);

describe('The event log out of reach', () => {
  test('an append refused by the server answers 503 event-store-unavailable with Retry-After, and nothing of the command is stored', async () => {
    const before = (await organizationEvents()).length;
    events.refuseAppends(1, (stream) => stream === `organization-${orgId}`);
    const refused = await t.http().patch(`/organizations/${orgId}`).set('Authorization', auth).send({ description: 'Never stored' });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('event-store-unavailable');
    expect(refused.headers['retry-after']).toBeDefined();
    expect(events.refused).toBe(1);
    expect(await organizationEvents()).toHaveLength(before);
    // The next attempt goes through: nothing half-decided stayed behind.
    const retried = await t.http().patch(`/organizations/${orgId}`).set('Authorization', auth).send({ description: 'Stored' });
    expect(retried.status).toBe(200);
    expect((await t.http().get(`/organizations/${orgId}`).set('Authorization', auth)).body.description).toBe('Stored');
  });

  test('an append whose answer is lost: the client retries with its Idempotency-Key and gets the first answer, with one event in the log', async () => {
    const send = () =>
      t.http().post(`/organizations/${orgId}/users`).set('Authorization', auth).set('Idempotency-Key', 'invite-lost-answer-1')
        .send({ email: 'lost.answer@faulty.test', firstName: 'Lost', lastName: 'Answer', roles: ['instructor'] });
    events.loseAppendAnswers(1, (stream) => stream === `organization-${orgId}`);
    const lost = await send();
    expect(lost.status).toBe(503);
    expect(events.lostAnswers).toBe(1);
    const invitedInLog = async () => (await organizationEvents()).filter((e) => e.type === 'UserInvited' && (e.data as { email: string }).email === 'lost.answer@faulty.test');
    // The server had stored it: the client could not know.
    expect(await invitedInLog()).toHaveLength(1);

    const retried = await send();
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe((await invitedInLog())[0].data.userId);
    expect(await invitedInLog()).toHaveLength(1);
    const listed = await t.http().get(`/organizations/${orgId}/users`).query({ search: 'lost.answer' }).set('Authorization', auth);
    expect(listed.body.total).toBe(1);
  });
});

describe('The read store refusing writes', () => {
  test('the projector retries the refused batches without skipping any, health reports it meanwhile, and the read models end equal to a rebuild', async () => {
    // The projector's batches (they carry its checkpoints); the lease's renewals go through.
    reads.refuseWrites(3, (collections) => collections.includes(CHECKPOINTS));
    // A command waits for its projection (the embedded default): it answers once the projector is through.
    const pending = t.http().patch(`/organizations/${orgId}`).set('Authorization', auth).send({ name: 'Faulty Falls Academy' }).then((response) => response);
    let sawFailure = false;
    for (let i = 0; i < 100 && !sawFailure; i++) {
      const health = await t.http().get('/health');
      sawFailure = health.status === 503 && JSON.stringify(health.body).includes('injected: the read store refused the write');
      if (!sawFailure) await new Promise((r) => setTimeout(r, 20));
    }
    expect(sawFailure).toBe(true);
    const answered = await pending;
    expect(answered.status).toBe(200);
    expect(reads.refused).toBe(3);
    const position = answered.body.position as number;
    const seen = await t.http().get(`/organizations/${orgId}`).query({ minPosition: position }).set('Authorization', auth);
    expect(seen.body.name).toBe('Faulty Falls Academy');
    expect((await t.http().get('/health')).status).toBe(200);
    expect(await expectReadModelsEqualRebuild(t.infra.eventStore, t.infra.readStore)).toBeGreaterThan(0);
  }, 30_000);
});
