import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { searchFiles } from '../support/files.js';
import { inviteAndSetUpPlatformAuditor } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Erasing a removed platform account (issue 20): super admins, for platform users. */
let t: TestApp;
let root: string;
const EMAIL = 'perpetua.auditorsson@platform-erasure.example';
const PASSWORD = 'platform-erasure-password-1';

beforeAll(async () => {
  t = await startTestApp();
  root = await t.login();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('Erasing a platform account', () => {
  test('only once removed; then its email is in no file of the data directory, and the platform audit trail names it by id', async () => {
    const id = await inviteAndSetUpPlatformAuditor(t, root, EMAIL, PASSWORD);
    await t.infra.mailReactor!.reached(await t.infra.eventStore.headPosition());
    const early = await t.http().post(`/platform/accounts/${id}/erase`).set('Authorization', root);
    expect([early.status, early.body.code]).toEqual([409, 'platform-account-not-removed']);
    expect((await t.http().post(`/platform/accounts/${crypto.randomUUID()}/erase`).set('Authorization', root)).body.code).toBe('platform-account-not-found');
    expect(Object.keys(searchFiles(t.dataDir, [EMAIL])).length).toBeGreaterThan(0);

    expect((await t.http().delete(`/platform/auditors/${id}`).set('Authorization', root)).status).toBe(200);
    const erased = await t.http().post(`/platform/accounts/${id}/erase`).set('Authorization', root);
    expect([erased.status, erased.body]).toEqual([200, { id, position: expect.any(Number), erased: true }]);
    expect((await t.http().post(`/platform/accounts/${id}/erase`).set('Authorization', root)).status).toBe(200);

    const log = (await t.http().get('/platform/audit').query({ pageSize: 100 }).set('Authorization', root)).body.items;
    expect(JSON.stringify(log)).not.toContain(EMAIL);
    expect(log.find((e: { type: string }) => e.type === 'PlatformAccountErased').summary).toBe(`Erased the personal data of the removed platform account ${id}`);
    expect(searchFiles(t.dataDir, [EMAIL])).toEqual({});
  });
});
