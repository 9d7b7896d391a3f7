import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// RFC 7396 (JSON Merge Patch) for every PATCH, and per-resource ETags with If-Match
// as RFC 9110 has them: a stale one is 412, and only the resource's own changes make it stale.
let t: TestApp;
let root: string;
let orgId: string;
let instructorId: string;
const password = 'etag-password-1234';

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_URL: 'https://api.school.test' });
  root = await t.login();
  orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Merge Patch School', description: 'K-12', timeZone: 'America/Chicago' })).body.id;
  instructorId = await inviteAndSetUp(t, root, orgId, { email: 'teacher@etag.test', roles: ['instructor'], firstName: 'Tess', lastName: 'Cher' }, password);
});
afterAll(async () => {
  await t.close();
});

const org = () => t.http().get(`/organizations/${orgId}`).set('Authorization', root);

describe('PATCH is a JSON Merge Patch', () => {
  test('an organization: a field left out stays, null clears the description, and both media types are taken', async () => {
    const renamed = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).send({ name: 'Merge Patch Academy' });
    expect(renamed.status).toBe(200);
    expect((await org()).body).toMatchObject({ name: 'Merge Patch Academy', description: 'K-12', timeZone: 'America/Chicago' });

    const cleared = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).set('content-type', 'application/merge-patch+json').send(JSON.stringify({ description: null }));
    expect(cleared.status).toBe(200);
    expect((await org()).body).toMatchObject({ name: 'Merge Patch Academy', description: null, timeZone: 'America/Chicago' });

    // Rules apply to the fields sent: a name of 256 characters, a null name, an unknown zone.
    const long = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).send({ name: 'x'.repeat(256) });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ code: 'validation-failed', errors: [{ field: 'name', message: 'name must be at most 255 characters' }] });
    const nullName = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).send({ name: null });
    expect(nullName.body).toMatchObject({ code: 'validation-failed', errors: [{ field: 'name', message: 'name cannot be cleared' }] });
    const zone = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).send({ timeZone: 'Mars/Olympus' });
    expect(zone.body.errors).toEqual([{ field: 'timeZone', message: 'timeZone must be a valid IANA time zone, for example Europe/Paris' }]);
  });

  test('a user: only firstName changes; last name and roles stay', async () => {
    const edited = await t.http().patch(`/organizations/${orgId}/users/${instructorId}`).set('Authorization', root).send({ firstName: 'Theresa' });
    expect(edited.status).toBe(200);
    const user = (await t.http().get(`/organizations/${orgId}/users/${instructorId}`).set('Authorization', root)).body;
    expect(user).toMatchObject({ firstName: 'Theresa', lastName: 'Cher', roles: ['instructor'] });
    const blank = await t.http().patch(`/organizations/${orgId}/users/${instructorId}`).set('Authorization', root).send({ lastName: '  ' });
    expect(blank.body).toMatchObject({ code: 'validation-failed', errors: [{ field: 'lastName', message: 'lastName cannot be blank' }] });
  });

  test('a class: a rename keeps the instructor', async () => {
    const created = await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', root).send({ name: 'Algebra', instructorId });
    const renamed = await t.http().patch(`/organizations/${orgId}/classes/${created.body.id}`).set('Authorization', root).send({ name: 'Algebra I' });
    expect(renamed.status).toBe(200);
    expect((await t.http().get(`/organizations/${orgId}/classes/${created.body.id}`).set('Authorization', root)).body).toMatchObject({ name: 'Algebra I', instructorId });
  });

  test('an SSO provider: a new display name keeps the rest', async () => {
    const created = await t.http().post('/sso/providers').set('Authorization', root)
      .send({ organizationId: orgId, protocol: 'oidc', displayName: 'School IdP', issuer: 'https://idp.etag.test', clientId: 'lms', clientSecret: 'a-client-secret', scopes: 'openid, email' });
    expect(created.status).toBe(201);
    expect((await t.http().patch(`/sso/providers/${created.body.id}`).set('Authorization', root).send({ displayName: 'Renamed IdP' })).status).toBe(200);
    expect((await t.http().get(`/sso/providers/${created.body.id}`).set('Authorization', root)).body).toMatchObject({ displayName: 'Renamed IdP', issuer: 'https://idp.etag.test', clientId: 'lms' });
  });
});

describe('ETags per resource, If-Match per RFC 9110', () => {
  test("every single resource's GET has an ETag that If-Match takes back; writes answer with the new one", async () => {
    const classId = (await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', root).send({ name: 'Biology', instructorId })).body.id;
    const providerId = (await t.http().post('/sso/providers').set('Authorization', root)
      .send({ organizationId: orgId, protocol: 'oidc', displayName: 'Second IdP', issuer: 'https://idp2.etag.test', clientId: 'lms', clientSecret: 'a-client-secret', scopes: 'openid' })).body.id;
    const resources: [string, Record<string, unknown>][] = [
      [`/organizations/${orgId}`, { description: 'edited with its ETag' }],
      [`/organizations/${orgId}/users/${instructorId}`, { lastName: 'Edited' }],
      [`/organizations/${orgId}/classes/${classId}`, { name: 'Biology II' }],
      [`/sso/providers/${providerId}`, { displayName: 'Edited IdP' }],
    ];
    for (const [path, patch] of resources) {
      const read = await t.http().get(path).set('Authorization', root);
      expect({ path, etag: read.headers.etag }).toEqual({ path, etag: expect.stringMatching(/^"\d+"$/) });
      const written = await t.http().patch(path).set('Authorization', root).set('If-Match', read.headers.etag).send(patch);
      expect({ path, status: written.status }).toEqual({ path, status: 200 });
      expect(written.headers.etag).toBe(`"${written.body.revision}"`);
      expect(written.headers.etag).not.toBe(read.headers.etag);
      const again = await t.http().get(path).set('Authorization', root);
      expect(again.headers.etag).toBe(written.headers.etag);
      // The old ETag is now stale: 412 with the current one.
      const stale = await t.http().patch(path).set('Authorization', root).set('If-Match', read.headers.etag).send(patch);
      expect({ path, status: stale.status, code: stale.body.code, etag: stale.headers.etag }).toEqual({ path, status: 412, code: 'stale-revision', etag: written.headers.etag });
    }
  });

  test("inviting a user, creating a class or changing SSO does not make the organization profile's ETag stale", async () => {
    const before = (await org()).headers.etag;
    await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'newcomer@etag.test', firstName: 'N', lastName: 'C', roles: ['instructor'] });
    await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', root).send({ name: 'Chemistry', instructorId });
    await t.http().post('/sso/providers').set('Authorization', root)
      .send({ organizationId: orgId, protocol: 'oidc', displayName: 'Third IdP', issuer: 'https://idp3.etag.test', clientId: 'lms', clientSecret: 'a-client-secret', scopes: 'openid' });
    await t.http().patch(`/organizations/${orgId}/users/${instructorId}`).set('Authorization', root).send({ firstName: 'Tess' });
    expect((await org()).headers.etag).toBe(before);
    const settings = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).set('If-Match', before).send({ name: 'Settings Form School' });
    expect(settings.status).toBe(200);
    // And a user's ETag does not move when another user changes.
    const userEtag = (await t.http().get(`/organizations/${orgId}/users/${instructorId}`).set('Authorization', root)).headers.etag;
    await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'another@etag.test', firstName: 'A', lastName: 'N', roles: ['instructor'] });
    expect((await t.http().patch(`/organizations/${orgId}/users/${instructorId}`).set('Authorization', root).set('If-Match', userEtag).send({ lastName: 'Still Fresh' })).status).toBe(200);
  });

  test('a weak or made-up ETag never matches (412); a value that is no ETag is a 400; * matches any', async () => {
    const etag = (await org()).headers.etag;
    const weak = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).set('If-Match', `W/${etag}`).send({ description: 'weak' });
    expect(weak.status).toBe(412);
    const other = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).set('If-Match', '"not-a-version"').send({ description: 'made up' });
    expect(other.status).toBe(412);
    const garbage = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).set('If-Match', 'no quotes, no number').send({ description: 'garbage' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.code).toBe('invalid-if-match');
    const any = await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).set('If-Match', '*').send({ description: 'any' });
    expect(any.status).toBe(200);
  });

  test('lists carry no ETag', async () => {
    expect((await t.http().get(`/organizations/${orgId}/users`).set('Authorization', root)).headers.etag).toBeUndefined();
  });
});
