import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
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
    // Creating an organization appends its slug's reservation (head + 1), then the organization (head + 2).
    const pending = t.http().get('/organizations').query({ minPosition: head + 2, search: 'Arrives later' }).set('Authorization', auth);
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

describe('Catching up at start', () => {
  test('until the read models reach the head of the log as it was at start, requests answer 503 read-model-behind, and health still answers', async () => {
    const behind = await startTestApp({ READ_YOUR_WRITES_TIMEOUT_MS: '300' });
    try {
      // The projector stops, and the log has an event it has not projected: as after a
      // restart with a tail to catch up, or a projection built from the start.
      await behind.infra.runner!.stop();
      const id = randomUUID();
      const { position } = await behind.infra.eventStore.append(`organization-${id}`, [
        {
          id: randomUUID(),
          type: 'OrganizationCreated',
          data: { organizationId: id, name: 'Unprojected', description: null, timeZone: 'UTC', createdAt: '2026-11-30T10:00:00.000Z' },
          metadata: { schemaVersion: 1, occurredAt: '2026-11-30T10:00:00.000Z' },
        },
      ]);
      (behind.infra as { startPosition: number }).startPosition = position;
      // Sign-in reads accounts from the read models: it waits too, before the sign-in guard.
      const login = await behind.http().post('/auth/login').send({ email: 'admin@platform.test', password: 'not-checked-yet' });
      expect(login.status).toBe(503);
      expect(login.headers['retry-after']).toBe('1');
      expect(login.body).toMatchObject({ code: 'read-model-behind', minPosition: position });
      expect((await behind.http().get('/organizations')).body).toMatchObject({ code: 'read-model-behind' });
      // Health reads no read model: it answers (and says the projector is not running).
      const health = await behind.http().get('/health');
      expect(health.body.code).toBe('unhealthy');
      expect(health.body.checks.projector).toMatchObject({ running: false, checkpoint: position - 1, headPosition: position });
    } finally {
      await behind.close();
    }
    // A second service on a loaded machine: once, on Node 24 in a clean-clone run, this took
    // over 30 s (alone it takes about 1.5 s, on Node 20 and 24 alike).
  }, 60_000);
});
