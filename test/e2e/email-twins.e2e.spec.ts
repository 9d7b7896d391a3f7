import { describe, expect, test } from '@jest/globals';
import { withTestApp, type TestApp } from '../support/test-app.js';

// One canonical key for addresses (PRECIS UsernameCaseMapped, RFC 8265): Unicode twins
// of an address are the same address, within an organization and across the platform.
let t: TestApp;
let root: string;
withTestApp((app, token) => ((t = app), (root = token)));

const organization = async (name: string) => (await t.http().post('/organizations').set('Authorization', root).send({ name, timeZone: 'UTC' })).body.id as string;
const invite = (orgId: string, email: string) => t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email, firstName: 'T', lastName: 'Win', roles: ['instructor'] });

describe('Unicode twins cannot be invited', () => {
  test.each([
    ['an NFD twin of an NFC address', 'ren\u00e9@twins.test', 'rene\u0301@twins.test'],
    ['a full-width twin of an ASCII address', 'kate@twins.test', '\uFF4B\uFF41\uFF54\uFF45@twins.test'],
    ['a Kelvin-sign twin', 'kelly@twins.test', '\u212Aelly@twins.test'],
    ['an upper-case twin', 'ada@twins.test', 'ADA@Twins.Test'],
  ])('%s is already in use, in the same organization and in another one', async (_label, first, twin) => {
    const one = await organization(`Twins ${first}`);
    const other = await organization(`Other ${first}`);
    expect((await invite(one, first)).status).toBe(201);
    for (const orgId of [one, other]) {
      const response = await invite(orgId, twin);
      expect({ orgId, status: response.status, code: response.body.code }).toEqual({ orgId, status: 409, code: 'email-already-in-use' });
    }
  });

  test('an address is stored as typed, in NFC', async () => {
    const orgId = await organization('Stored School');
    const created = await invite(orgId, 'Zoe\u0301@Stored.test');
    const user = await t.http().get(`/organizations/${orgId}/users/${created.body.id}`).set('Authorization', root);
    expect(user.body.email).toBe('Zo\u00e9@Stored.test');
  });
});
