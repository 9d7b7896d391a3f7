import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SqliteReadStore } from '#read-models';
import { ProjectionRunner } from '#read-models';
import { ALL_PROJECTIONS } from '#read-models';
import { upcastRecorded } from '#runtime';
import { setupTokenFromLog } from '../support/members.js';
import { IMAGES, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('Rebuilding the read models', () => {
  test('every read model rebuilt from the log equals the live one', async () => {
    const auth = await t.login();
    for (let i = 0; i < 8; i++) {
      const { body } = await t.http().post('/organizations').set('Authorization', auth).send({ name: `Rebuild ${i}`, description: `d${i}`, timeZone: 'UTC' });
      if (i % 2) await t.http().patch(`/organizations/${body.id}`).set('Authorization', auth).send({ name: `Rebuilt ${i}`, timeZone: 'Europe/Oslo' });
      if (i % 3 === 0) await t.http().put(`/organizations/${body.id}/logo`).set('Authorization', auth).set('Content-Type', 'image/png').send(IMAGES.png);
      if (i % 4 === 0) await t.http().post(`/organizations/${body.id}/arrears`).set('Authorization', auth);
    }
    // Members and classes too: invitations, setup, edits, a deactivation with reassignment, a deletion.
    const { body: school } = await t.http().post('/organizations').set('Authorization', auth).send({ name: 'Rebuild School', timeZone: 'UTC' });
    const ids: string[] = [];
    for (const [i, roles] of [['admin', 'instructor'], ['instructor'], ['instructor'], ['admin']].entries()) {
      const { body } = await t.http().post(`/organizations/${school.id}/users`).set('Authorization', auth).send({ email: `rebuild${i}@school.test`, firstName: `F${i}`, lastName: `L${i}`, roles });
      ids.push(body.id);
    }
    for (const id of ids.slice(0, 3)) await t.http().post('/auth/setup').send({ token: await setupTokenFromLog(t, school.id, id), password: 'a-password-long-enough' });
    const { body: cls } = await t.http().post(`/organizations/${school.id}/classes`).set('Authorization', auth).send({ name: 'Rebuilt class', instructorId: ids[1] });
    await t.http().patch(`/organizations/${school.id}/users/${ids[2]}`).set('Authorization', auth).send({ firstName: 'Edited', lastName: 'Name', roles: ['instructor', 'admin'] });
    expect((await t.http().post(`/organizations/${school.id}/users/${ids[1]}/deactivate`).set('Authorization', auth).send({ reassignTo: ids[0] })).status).toBe(200);
    await t.http().delete(`/organizations/${school.id}/users/${ids[3]}`).set('Authorization', auth);
    await t.http().post(`/organizations/${school.id}/classes/${cls.id}/archive`).set('Authorization', auth);

    const fresh = new SqliteReadStore(':memory:');
    const runner = new ProjectionRunner(t.infra.eventStore, fresh, ALL_PROJECTIONS, { upcast: upcastRecorded });
    await runner.start();
    await runner.catchUp(10_000);
    await runner.stop();
    let compared = 0;
    for (const projection of ALL_PROJECTIONS)
      for (const { name } of projection.collections) {
        const rebuilt = await fresh.collection(name).find({}, { sort: { _id: 1 } });
        const live = await t.infra.readStore.collection(name).find({}, { sort: { _id: 1 } });
        expect(rebuilt).toEqual(live);
        compared += live.length;
      }
    expect(compared).toBeGreaterThanOrEqual(9 + 1 + 3 + 1);
  });
});
