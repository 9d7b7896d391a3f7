import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let auth: string;

beforeAll(async () => {
  t = await startTestApp({ READ_YOUR_WRITES_TIMEOUT_MS: '300' });
  auth = await t.login();
});
afterAll(async () => {
  await t.close();
});

describe('Read your writes', () => {
  test('every command answers with the log position of its last event', async () => {
    const created = await t.http().post('/organizations').set('Authorization', auth).send({ name: 'Positioned', timeZone: 'UTC' });
    expect(created.body.position).toBe(await t.infra.eventStore.headPosition());
    const edited = await t.http().patch(`/organizations/${created.body.id}`).set('Authorization', auth).send({ name: 'Positioned 2', timeZone: 'UTC' });
    expect(edited.body.position).toBeGreaterThan(created.body.position);
  });

  test('a query with minPosition (query or header) at or below the checkpoint answers at once', async () => {
    const created = await t.http().post('/organizations').set('Authorization', auth).send({ name: 'Seen at once', timeZone: 'UTC' });
    const viaQuery = await t.http().get(`/organizations/${created.body.id}`).query({ minPosition: created.body.position }).set('Authorization', auth);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body.name).toBe('Seen at once');
    const viaHeader = await t.http().get('/organizations').set('X-Min-Position', String(created.body.position)).set('Authorization', auth);
    expect(viaHeader.status).toBe(200);
  });

  test('a position the projector has not reached answers 503 with Retry-After after the timeout', async () => {
    const ahead = (await t.infra.eventStore.headPosition()) + 1000;
    const started = Date.now();
    const response = await t.http().get('/organizations').query({ minPosition: ahead }).set('Authorization', auth);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ code: 'read-model-behind', minPosition: ahead });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  test('a query waits for a position that arrives while it waits', async () => {
    const head = await t.infra.eventStore.headPosition();
    const pending = t.http().get('/organizations').query({ minPosition: head + 1, search: 'Arrives later' }).set('Authorization', auth);
    const creating = new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
      t.http().post('/organizations').set('Authorization', auth).send({ name: 'Arrives later', timeZone: 'UTC' }),
    );
    const [response] = await Promise.all([pending, creating]);
    expect(response.status).toBe(200);
    expect(response.body.items.map((i: { name: string }) => i.name)).toContain('Arrives later');
  });

  test('an invalid minPosition is a 400', async () => {
    const response = await t.http().get('/organizations').query({ minPosition: 'soon' }).set('Authorization', auth);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('minPosition');
  });
});
