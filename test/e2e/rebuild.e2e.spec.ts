import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setupTokenFromLog } from '../support/members.js';
import { expectReadModelsEqualRebuild } from '../support/read-models.js';
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

    const compared = await expectReadModelsEqualRebuild(t.infra.eventStore, t.infra.readStore);
    expect(compared).toBeGreaterThanOrEqual(9 + 1 + 3 + 1);
  });
});
