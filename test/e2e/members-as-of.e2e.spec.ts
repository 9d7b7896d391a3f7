import { describe, expect, test } from '@jest/globals';
import { inviteAndSetUp } from '../support/members.js';
import { withTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let root: string;
withTestApp((app, token) => ((t = app), (root = token)));

const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

describe('The member list as of a date', () => {
  test('answers with the roles and statuses of that moment, after later changes', async () => {
    const before = new Date().toISOString();
    await tick();
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'History School', timeZone: 'UTC' })).body.id;
    const ann = await inviteAndSetUp(t, root, orgId, { email: 'ann@history.test', roles: ['admin'], firstName: 'Ann', lastName: 'Archer' }, 'history-password-1');
    const bob = await inviteAndSetUp(t, root, orgId, { email: 'bob@history.test', roles: ['instructor'], firstName: 'Bob', lastName: 'Baker' }, 'history-password-1');
    await tick();
    const firstOfMarch = new Date().toISOString();
    await tick();
    // Later: Bob becomes an admin and Ann is deactivated.
    expect((await t.http().patch(`/organizations/${orgId}/users/${bob}`).set('Authorization', root).send({ firstName: 'Bob', lastName: 'Baker', roles: ['admin', 'instructor'] })).status).toBe(200);
    expect((await t.http().post(`/organizations/${orgId}/users/${ann}/deactivate`).set('Authorization', root).send({})).status).toBe(200);

    const then = await t.http().get(`/organizations/${orgId}/users`).query({ asOf: firstOfMarch }).set('Authorization', root);
    expect(then.status).toBe(200);
    expect(then.body.asOf).toBe(firstOfMarch);
    expect(then.body.items.map((u: { email: string; roles: string[]; status: string }) => [u.email, u.roles, u.status])).toEqual([
      ['ann@history.test', ['admin'], 'active'],
      ['bob@history.test', ['instructor'], 'active'],
    ]);
    // Who was an admin then? Ann. Now? Bob.
    const now = await t.http().get(`/organizations/${orgId}/users`).query({ showDeactivated: true }).set('Authorization', root);
    expect(now.body.items.map((u: { email: string; roles: string[]; status: string }) => [u.email, u.roles, u.status])).toEqual([
      ['ann@history.test', ['admin'], 'deactivated'],
      ['bob@history.test', ['admin', 'instructor'], 'active'],
    ]);
    const beforeCreation = await t.http().get(`/organizations/${orgId}/users`).query({ asOf: before }).set('Authorization', root);
    expect(beforeCreation.body).toMatchObject({ items: [], total: 0 });
  });

  test('asOf must be an ISO 8601 date and time', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Bad Dates', timeZone: 'UTC' })).body.id;
    const response = await t.http().get(`/organizations/${orgId}/users`).query({ asOf: 'last tuesday' }).set('Authorization', root);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('asOf');
  });
});
