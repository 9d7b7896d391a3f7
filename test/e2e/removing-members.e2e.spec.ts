import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Removing members with a data-handling choice (multi-tenant guide, "Removing Members:
 * Choose data handling"; issue 20): keep, transfer or erase, over HTTP.
 */
let t: TestApp;
let orgId: string;
let admin: string;
let adminId: string;
const ids: Record<string, string> = {};
let classId: string;
let teamId: string;
const PASSWORD = 'removing-password-1';
const http = () => t.http();
const remove = (userId: string, body: Record<string, unknown>) => http().post(`/organizations/${orgId}/users/${userId}/remove`).set('Authorization', admin).send(body);
const userOf = async (userId: string) => (await http().get(`/organizations/${orgId}/users/${userId}`).set('Authorization', admin)).body;

beforeAll(async () => {
  t = await startTestApp();
  const root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Leaving School', timeZone: 'UTC' })).body.id;
  adminId = await inviteAndSetUp(t, root, orgId, { email: 'admin@leaving.test', roles: ['admin'] }, PASSWORD);
  admin = await t.login('admin@leaving.test', PASSWORD);
  for (const [name, roles] of [['tess', ['instructor']], ['theo', ['instructor']], ['mia', ['member']], ['max', ['member']]] as const)
    ids[name] = await inviteAndSetUp(t, admin, orgId, { email: `${name}@leaving.test`, roles: [...roles], firstName: name, lastName: 'Leaving' }, PASSWORD);
  ids.pending = (await http().post(`/organizations/${orgId}/users`).set('Authorization', admin).send({ email: 'pending@leaving.test', firstName: 'Pen', lastName: 'Ding', roles: ['member'] })).body.id;
  classId = (await http().post(`/organizations/${orgId}/classes`).set('Authorization', admin).send({ name: 'Chemistry', instructorId: ids.tess })).body.id;
  teamId = (await http().post(`/organizations/${orgId}/teams`).set('Authorization', admin).send({ name: 'Lab', leaderIds: [ids.tess] })).body.id;
  expect((await http().post(`/organizations/${orgId}/teams/${teamId}/members`).set('Authorization', admin).send({ userIds: [ids.mia, ids.tess] })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('Removing members', () => {
  test('refused: without a valid choice (400), oneself, someone whose setup is pending, and a teacher of active classes without transfer', async () => {
    const missing = await remove(ids.mia, {});
    expect([missing.status, missing.body.code, missing.body.errors[0].field]).toEqual([400, 'validation-failed', 'dataHandling']);
    expect((await remove(ids.mia, { dataHandling: 'archive' })).body.errors[0].message).toBe('dataHandling must be one of keep, transfer, erase');
    expect((await remove(adminId, { dataHandling: 'keep' })).body.code).toBe('cannot-remove-yourself');
    expect((await remove(ids.pending, { dataHandling: 'keep' })).body.code).toBe('user-setup-pending');
    const teaching = await remove(ids.tess, { dataHandling: 'keep' });
    expect([teaching.status, teaching.body.code]).toEqual([409, 'reassignment-required']);
    expect((await remove(ids.tess, { dataHandling: 'transfer' })).body.code).toBe('invalid-transfer-target');
    // Classes go to an instructor only.
    expect((await remove(ids.tess, { dataHandling: 'transfer', transferTo: ids.mia })).body.code).toBe('invalid-transfer-target');
  });

  test('transfer: the classes and the leadership move to the chosen instructor in the same step; the member is gone and their address free', async () => {
    const removed = await remove(ids.tess, { dataHandling: 'transfer', transferTo: ids.theo });
    expect([removed.status, removed.body]).toEqual([200, { id: ids.tess, revision: expect.any(Number), position: expect.any(Number), dataHandling: 'transfer', transferredTo: ids.theo, erased: false }]);
    expect((await http().get(`/organizations/${orgId}/classes/${classId}`).set('Authorization', admin)).body.instructorId).toBe(ids.theo);
    const team = (await http().get(`/organizations/${orgId}/teams/${teamId}`).set('Authorization', admin)).body;
    expect(team.leaderIds).toEqual([ids.theo]);
    const members = (await http().get(`/organizations/${orgId}/teams/${teamId}/members`).set('Authorization', admin)).body.items.map((m: { id: string }) => m.id);
    expect(members).toEqual([ids.mia]);
    expect(await userOf(ids.tess)).toMatchObject({ status: 'deactivated', firstName: 'tess' });
    expect((await http().post('/auth/login').send({ email: 'tess@leaving.test', password: PASSWORD })).status).toBe(401);
    expect((await http().post(`/organizations/${orgId}/users/${ids.tess}/reactivate`).set('Authorization', admin)).body.code).toBe('user-removed');
    // The address may be invited again, as someone new.
    expect((await http().post(`/organizations/${orgId}/users`).set('Authorization', admin).send({ email: 'tess@leaving.test', firstName: 'Tess', lastName: 'Again', roles: ['member'] })).status).toBe(201);
  });

  test('keep: records stay attributed to the former member; erase: their personal data is erased once the membership has ended', async () => {
    const kept = await remove(ids.mia, { dataHandling: 'keep' });
    expect(kept.body).toMatchObject({ dataHandling: 'keep', transferredTo: null, erased: false });
    expect(await userOf(ids.mia)).toMatchObject({ status: 'deactivated', firstName: 'mia', email: 'mia@leaving.test' });
    const audit = (await http().get(`/organizations/${orgId}/audit`).query({ targetId: ids.mia }).set('Authorization', admin)).body.items;
    expect(audit.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['UserInvited', 'UserRemoved']));

    const erased = await remove(ids.max, { dataHandling: 'erase' });
    expect(erased.body).toMatchObject({ dataHandling: 'erase', erased: true });
    expect(await userOf(ids.max)).toMatchObject({ status: 'deactivated', firstName: 'erased', email: `erased-${ids.max}@erased.invalid` });
    // Removing again changes nothing.
    expect((await remove(ids.mia, { dataHandling: 'keep' })).status).toBe(200);
  });
});
