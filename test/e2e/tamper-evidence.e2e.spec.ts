import { describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { organizationStreamName } from '#domain';
import { withTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let root: string;
withTestApp((app, token) => ((t = app), (root = token)));

describe('Tamper evidence', () => {
  test('every event is chained to the one before it in its stream', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Chained', timeZone: 'UTC' })).body.id;
    await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).send({ name: 'Chained 2', timeZone: 'UTC' });
    const [first, second] = await t.infra.eventStore.readStream(organizationStreamName(orgId));
    expect(first.metadata.previousHash).toBeNull();
    expect(first.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.metadata.previousHash).toBe(first.metadata.hash);
  });

  test('verify reports an intact organization, and the first position of an event edited in the SQLite file', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Evidence', timeZone: 'UTC' })).body.id;
    await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'chain@school.test', firstName: 'C', lastName: 'H', roles: ['admin'] });
    await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).send({ name: 'Evidence renamed', timeZone: 'UTC' });
    await t.http().post(`/organizations/${orgId}/arrears`).set('Authorization', root);

    const intact = await t.http().get('/audit/verify').query({ organizationId: orgId }).set('Authorization', root);
    expect(intact.status).toBe(200);
    expect(intact.body).toMatchObject({ organizationId: orgId, intact: true, firstBreak: null });
    expect(intact.body.checkedEvents).toBeGreaterThanOrEqual(5); // 4 in the organization stream, 1 email reservation

    // Someone with access to the file rewrites history: the rename never happened.
    const events = await t.infra.eventStore.readStream(organizationStreamName(orgId));
    const rename = events.find((e) => e.type === 'OrganizationSettingsUpdated')!;
    const db = new Database(join(t.dataDir, 'events.db'));
    const forged = { ...rename.data, changes: { name: { before: 'Evidence', after: 'Something else' } } };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(forged), rename.position);
    db.close();

    const broken = await t.http().get('/audit/verify').query({ organizationId: orgId }).set('Authorization', root);
    expect(broken.body.intact).toBe(false);
    expect(broken.body.firstBreak).toEqual({ position: rename.position, streamName: organizationStreamName(orgId), revision: rename.revision, reason: 'content-hash-mismatch' });
  });

  test('a deleted event in the middle of a stream is found too', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Gappy', timeZone: 'UTC' })).body.id;
    await t.http().post(`/organizations/${orgId}/arrears`).set('Authorization', root);
    await t.http().delete(`/organizations/${orgId}/arrears`).set('Authorization', root);
    const events = await t.infra.eventStore.readStream(organizationStreamName(orgId));
    const db = new Database(join(t.dataDir, 'events.db'));
    db.prepare('DELETE FROM events WHERE position = ?').run(events[1].position);
    db.close();
    const broken = await t.http().get('/audit/verify').query({ organizationId: orgId }).set('Authorization', root);
    expect(broken.body.intact).toBe(false);
    expect(broken.body.firstBreak).toMatchObject({ position: events[2].position, reason: 'revision-gap' });
  });

  test('organizationId is required and must be an id', async () => {
    expect((await t.http().get('/audit/verify').set('Authorization', root)).status).toBe(400);
    expect((await t.http().get('/audit/verify').query({ organizationId: 'x' }).set('Authorization', root)).status).toBe(400);
  });
});
