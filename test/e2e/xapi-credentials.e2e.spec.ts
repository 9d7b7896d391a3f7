import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** xAPI credentials (issue 19): the secret shown once, only its hash kept, revoked for good. */
let t: TestApp;
let root: string;
let admin: string;
let orgId: string;
const http = () => t.http();

beforeAll(async () => {
  t = await startTestApp();
  root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Player School', timeZone: 'UTC' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@player.test', roles: ['admin'] }, 'player-password-1');
  admin = await t.login('admin@player.test', 'player-password-1');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('xAPI credentials', () => {
  test('issued: the key names the organization, the secret is shown once and only its SHA-256 is in the log; the list never shows it', async () => {
    const issued = await http().post(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin).send({ name: 'Course player' });
    expect(issued.status).toBe(201);
    expect(issued.body.key).toBe(`${orgId}.${issued.body.id}`);
    expect(issued.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const events = await t.infra.eventStore.readStream(`organization-${orgId}`);
    const stored = events.find((e) => e.type === 'XapiCredentialIssued')!;
    expect(stored.data.secretHash).toBe(createHash('sha256').update(issued.body.secret).digest('hex'));
    expect(JSON.stringify(events)).not.toContain(issued.body.secret);
    const list = await http().get(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin);
    expect(list.body.items).toEqual([{ id: issued.body.id, name: 'Course player', key: issued.body.key, issuedAt: expect.any(String), revokedAt: null }]);
    expect(JSON.stringify(list.body)).not.toContain(issued.body.secret);
    const audit = (await http().get(`/organizations/${orgId}/audit`).query({ type: 'XapiCredentialIssued' }).set('Authorization', admin)).body.items[0];
    expect([audit.summary, audit.details.secretHash]).toEqual(['Issued the xAPI credential "Course player"', '[redacted]']);
  });

  test('revoked: listed with when; a second name clash only among active ones', async () => {
    const [credential] = (await http().get(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin)).body.items;
    expect((await http().post(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin).send({ name: 'course player' })).body.code).toBe('xapi-credential-exists');
    expect((await http().delete(`/organizations/${orgId}/xapi/credentials/${credential.id}`).set('Authorization', admin)).status).toBe(200);
    const list = (await http().get(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin)).body.items;
    expect(list[0].revokedAt).toMatch(/^\d{4}-/);
    expect((await http().post(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin).send({ name: 'Course player' })).status).toBe(201);
    expect((await http().delete(`/organizations/${orgId}/xapi/credentials/00000000-0000-4000-8000-000000000000`).set('Authorization', admin)).body.code).toBe('xapi-credential-not-found');
  });
});
