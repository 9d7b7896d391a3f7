import { describe, expect, test } from '@jest/globals';
import { inviteAndSetUp } from '../support/members.js';
import { withTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let root: string;
withTestApp((app, token) => ((t = app), (root = token)));

const password = 'classes-password-123';

describe("The deactivate dialog: an instructor's active classes", () => {
  test('GET .../classes?instructorId=&status=active lists exactly that instructor\'s active classes', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Dialog School', timeZone: 'UTC' })).body.id;
    const maang = await inviteAndSetUp(t, root, orgId, { email: 'maang@dialog.test', roles: ['instructor'] }, password);
    const waabooz = await inviteAndSetUp(t, root, orgId, { email: 'waabooz@dialog.test', roles: ['instructor'] }, password);
    const create = async (name: string, instructorId: string) =>
      (await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', root).send({ name, instructorId })).body.id as string;
    const algebra = await create('Algebra', maang);
    const biology = await create('Biology', maang);
    await create('Chemistry', waabooz);
    expect((await t.http().post(`/organizations/${orgId}/classes/${biology}/archive`).set('Authorization', root)).status).toBe(200);

    const list = (query: Record<string, string>, auth = root) => t.http().get(`/organizations/${orgId}/classes`).query(query).set('Authorization', auth);
    const names = (response: { body: { items: { name: string }[] } }) => response.body.items.map((c) => c.name);

    const active = await list({ instructorId: maang, status: 'active' });
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ total: 1, items: [{ id: algebra, name: 'Algebra', instructorId: maang, status: 'active' }] });
    expect(names(await list({ instructorId: maang, status: 'archived' }))).toEqual(['Biology']);
    expect(names(await list({ instructorId: maang, status: 'all' }))).toEqual(['Algebra', 'Biology']);
    expect(names(await list({ status: 'active' }))).toEqual(['Algebra', 'Chemistry']);

    const bad = await list({ status: 'finished' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation-failed', errors: [{ field: 'status', message: 'status must be active, archived or all' }] });
    expect((await list({ instructorId: 'not-a-user' })).body.errors).toEqual([{ field: 'instructorId', message: 'instructorId must be a user id' }]);

    // An instructor sees only their own classes, even when asking for a colleague's.
    const asWaabooz = await t.login('waabooz@dialog.test', password);
    expect(names(await list({ instructorId: maang, status: 'active' }, asWaabooz))).toEqual([]);
    expect(names(await list({}, asWaabooz))).toEqual(['Chemistry']);
  });
});
