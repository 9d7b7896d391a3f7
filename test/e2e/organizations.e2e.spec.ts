import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { binary, IMAGES, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let auth: string;

beforeAll(async () => {
  t = await startTestApp();
  auth = await t.login();
});
afterAll(async () => {
  await t.close();
});

const create = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.http().post('/organizations').set('Authorization', auth).set(headers).send(body);

async function createOrg(name = `Org ${randomUUID().slice(0, 8)}`, extra: Record<string, unknown> = {}) {
  const response = await create({ name, timeZone: 'America/Chicago', ...extra });
  expect(response.status).toBe(201);
  return response.body as { id: string; revision: number; position: number };
}

function expectProblem(response: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, code, type: expect.stringContaining(code), title: expect.any(String), detail: expect.any(String) });
  expect(JSON.stringify(response.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
}

describe('POST /organizations', () => {
  test('creates an organization with 0 users and 0 classes, visible at once in list and detail', async () => {
    const response = await create({ name: '  Waadookodaading Ojibwe Institute ', description: 'K-12 immersion', timeZone: 'America/Chicago' });
    expect(response.status).toBe(201);
    // The slug comes from the name when none is given (issue 16); no owner was named.
    expect(response.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: 0, position: expect.any(Number), slug: 'waadookodaading-ojibwe-institute', ownerId: null });

    const detail = await t.http().get(`/organizations/${response.body.id}`).set('Authorization', auth);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: response.body.id,
      name: 'Waadookodaading Ojibwe Institute',
      description: 'K-12 immersion',
      timeZone: 'America/Chicago',
      logoUrl: null,
      inArrearsAt: null,
      userCount: 0,
      classCount: 0,
      revision: 0,
    });
    expect(detail.headers.etag).toBe('"0"');

    const list = await t.http().get('/organizations').query({ search: 'waadookodaading' }).set('Authorization', auth);
    expect(list.body.items).toEqual([
      { id: response.body.id, name: 'Waadookodaading Ojibwe Institute', slug: 'waadookodaading-ojibwe-institute', description: 'K-12 immersion', inArrearsAt: null, deletion: null },
    ]);
  });

  test.each([
    ['a name of 2 characters after trimming', { name: '  ab ', timeZone: 'UTC' }, ['name']],
    ['a name of 51 characters', { name: 'x'.repeat(51), timeZone: 'UTC' }, ['name']],
    ['a missing name', { timeZone: 'UTC' }, ['name']],
    ['a name that is not a string', { name: 42, timeZone: 'UTC' }, ['name']],
    ['a description of 501 characters', { name: 'Valid', description: 'd'.repeat(501), timeZone: 'UTC' }, ['description']],
    ['a missing time zone', { name: 'Valid' }, ['timeZone']],
    ['an unknown time zone', { name: 'Valid', timeZone: 'Mars/Base' }, ['timeZone']],
    ['an offset instead of a zone', { name: 'Valid', timeZone: '+02:00' }, ['timeZone']],
    ['an unknown field', { name: 'Valid', timeZone: 'UTC', plan: 'gold' }, ['plan']],
  ])('refuses %s with 400 and field errors, writing nothing', async (_label, body, fields) => {
    const before = await t.infra.eventStore.headPosition();
    const response = await create(body);
    expect(response.status).toBe(400);
    expectProblem(response, 400, 'validation-failed');
    expect(response.body.code).toBe('validation-failed');
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(fields));
    expect(await t.infra.eventStore.headPosition()).toBe(before);
  });

  test('malformed JSON is a 400 problem', async () => {
    const response = await t.http().post('/organizations').set('Authorization', auth).set('Content-Type', 'application/json').send('{"name":');
    expectProblem(response, 400, 'malformed-json');
  });

  test('an oversized JSON body is a 413 problem', async () => {
    const response = await create({ name: 'Big', timeZone: 'UTC', description: 'x'.repeat(200_000) });
    expectProblem(response, 413, 'payload-too-large');
  });

  test('without a token it is 401; with a bad token it is 401', async () => {
    expectProblem(await t.http().post('/organizations').send({ name: 'Valid', timeZone: 'UTC' }), 401, 'unauthenticated');
    expectProblem(
      await t.http().post('/organizations').set('Authorization', 'Bearer not-a-real-token-at-all-000').send({ name: 'Valid', timeZone: 'UTC' }),
      401,
      'unauthenticated',
    );
  });

  test('the same Idempotency-Key and body create one organization and answer the same', async () => {
    const key = randomUUID();
    const body = { name: `Idempotent ${key.slice(0, 6)}`, timeZone: 'UTC' };
    const first = await create(body, { 'Idempotency-Key': key });
    const second = await create(body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const list = await t.http().get('/organizations').query({ search: body.name }).set('Authorization', auth);
    expect(list.body.total).toBe(1);
    const events = await t.infra.eventStore.readStream(`organization-${first.body.id}`);
    expect(events).toHaveLength(1);
  });

  test('the same Idempotency-Key with another body is refused', async () => {
    const key = randomUUID();
    await create({ name: 'First body', timeZone: 'UTC' }, { 'Idempotency-Key': key });
    const response = await create({ name: 'Second body', timeZone: 'UTC' }, { 'Idempotency-Key': key });
    expectProblem(response, 422, 'idempotency-key-reused');
  });

  test('events carry the audit metadata of the request', async () => {
    const { id } = await createOrg();
    const [event] = await t.infra.eventStore.readStream(`organization-${id}`);
    expect(event.type).toBe('OrganizationCreated');
    expect(event.metadata).toMatchObject({
      schemaVersion: 3, // OrganizationCreated 2 carries the profile, 3 the slug (SCHEMA_VERSIONS)
      actorKind: 'superAdmin',
      actorEmail: 'root@platform.test',
      actorRoles: ['superAdmin'],
      organizationId: id,
      correlationId: expect.any(String),
      causationId: expect.any(String),
      occurredAt: expect.any(String),
      ip: expect.any(String),
    });
  });
});

describe('PATCH /organizations/:orgId', () => {
  test('edits name, description and time zone and answers the new revision', async () => {
    const { id } = await createOrg();
    const response = await t.http().patch(`/organizations/${id}`).set('Authorization', auth).send({ name: 'n'.repeat(255), description: 'About', timeZone: 'Europe/Paris' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id, revision: 1 });
    const detail = await t.http().get(`/organizations/${id}`).set('Authorization', auth);
    expect(detail.body).toMatchObject({ name: 'n'.repeat(255), description: 'About', timeZone: 'Europe/Paris', revision: 1 });
  });

  test('an edit that changes nothing writes no event', async () => {
    const { id } = await createOrg('Unchanged Org');
    const response = await t.http().patch(`/organizations/${id}`).set('Authorization', auth).send({ name: 'Unchanged Org', timeZone: 'America/Chicago' });
    expect(response.status).toBe(200);
    expect(response.body.revision).toBe(0);
    expect(await t.infra.eventStore.readStream(`organization-${id}`)).toHaveLength(1);
  });

  test.each([
    ['a name over 255 characters', { name: 'n'.repeat(256), timeZone: 'UTC' }, 'name'],
    ['an empty name', { name: '   ', timeZone: 'UTC' }, 'name'],
    ['a name of null (it cannot be cleared)', { name: null }, 'name'],
    ['a description over 500 characters', { name: 'Ok', description: 'd'.repeat(501), timeZone: 'UTC' }, 'description'],
    ['an invalid time zone', { name: 'Ok', timeZone: 'Atlantis/Capital' }, 'timeZone'],
    ['a time zone of null (it cannot be cleared)', { timeZone: null }, 'timeZone'],
    ['an unknown field', { name: 'Ok', timeZone: 'UTC', logo: 'x' }, 'logo'],
  ])('refuses %s with 400', async (_label, body, field) => {
    const { id } = await createOrg();
    const response = await t.http().patch(`/organizations/${id}`).set('Authorization', auth).send(body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await t.infra.eventStore.readStream(`organization-${id}`)).toHaveLength(1);
  });

  test('with If-Match, a stale edit gets 412 and changes nothing', async () => {
    const { id } = await createOrg();
    const first = await t.http().patch(`/organizations/${id}`).set('Authorization', auth).set('If-Match', '"0"').send({ name: 'Edit one', timeZone: 'UTC' });
    expect(first.status).toBe(200);
    const stale = await t.http().patch(`/organizations/${id}`).set('Authorization', auth).set('If-Match', '"0"').send({ name: 'Edit two', timeZone: 'UTC' });
    expectProblem(stale, 412, 'stale-revision');
    expect(stale.headers.etag).toBe('"1"');
    expect(stale.body).toMatchObject({ expectedRevision: 0, currentRevision: 1 });
    expect((await t.http().get(`/organizations/${id}`).set('Authorization', auth)).body.name).toBe('Edit one');
  });

  test('an If-Match that is not a revision is a 400', async () => {
    const { id } = await createOrg();
    const response = await t.http().patch(`/organizations/${id}`).set('Authorization', auth).set('If-Match', 'yesterday').send({ name: 'Ok', timeZone: 'UTC' });
    expectProblem(response, 400, 'invalid-if-match');
  });

  test('of 20 concurrent edits with the same If-Match exactly one wins', async () => {
    const { id } = await createOrg();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.http().patch(`/organizations/${id}`).set('Authorization', auth).set('If-Match', '0').send({ name: `Racer ${i}`, timeZone: 'UTC' })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 412)).toHaveLength(19);
    expect(await t.infra.eventStore.readStream(`organization-${id}`)).toHaveLength(2);
  });

  test('concurrent edits without If-Match are retried on fresh state and none is lost', async () => {
    const { id } = await createOrg();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.http().patch(`/organizations/${id}`).set('Authorization', auth).send({ name: `Writer ${i}`, timeZone: 'UTC' })),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const events = await t.infra.eventStore.readStream(`organization-${id}`);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
  });

  test('an unknown organization is 404, and so is an id that is not a UUID', async () => {
    expectProblem(await t.http().patch(`/organizations/${randomUUID()}`).set('Authorization', auth).send({ name: 'Ok', timeZone: 'UTC' }), 404, 'organization-not-found');
    expectProblem(await t.http().patch('/organizations/not-a-uuid').set('Authorization', auth).send({ name: 'Ok', timeZone: 'UTC' }), 404, 'organization-not-found');
  });
});

describe('Logo', () => {
  test.each(Object.entries(IMAGES).filter(([name]) => name !== 'gif'))('accepts a %s logo, serves it back re-encoded at a public URL, and removes it', async (format, bytes) => {
    const { id } = await createOrg();
    const upload = await t.http().put(`/organizations/${id}/logo`).set('Authorization', auth).set('Content-Type', 'application/octet-stream').send(bytes);
    expect(upload.status).toBe(200);
    expect(upload.body.revision).toBe(1);
    const detail = await t.http().get(`/organizations/${id}`).set('Authorization', auth);
    // JPEG and WebP keep their format; PNG, BMP and TIFF are stored as PNG.
    const stored = format === 'jpeg' ? { type: 'image/jpeg', ext: 'jpg' } : format === 'webp' ? { type: 'image/webp', ext: 'webp' } : { type: 'image/png', ext: 'png' };
    expect(detail.body.logoUrl).toMatch(new RegExp(`^/logos/[0-9a-f]{64}\\.${stored.ext}$`));
    // Public: no Authorization header, as an <img> tag loads it.
    const served = await t.http().get(detail.body.logoUrl).buffer(true).parse(binary);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toContain(stored.type);
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const hash = /\/logos\/([0-9a-f]{64})\./.exec(detail.body.logoUrl)![1];
    expect(createHash('sha256').update(served.body as Buffer).digest('hex')).toBe(hash);
    const removed = await t.http().delete(`/organizations/${id}/logo`).set('Authorization', auth);
    expect(removed.status).toBe(200);
    expect((await t.http().get(`/organizations/${id}`).set('Authorization', auth)).body.logoUrl).toBeNull();
    expectProblem(await t.http().get(`/organizations/${id}/logo`).set('Authorization', auth), 404, 'logo-not-found');
  });

  test('the public URL answers 404 for an unknown hash or an extension that does not name the bytes', async () => {
    const { id } = await createOrg();
    await t.http().put(`/organizations/${id}/logo`).set('Authorization', auth).send(IMAGES.png);
    const url = (await t.http().get(`/organizations/${id}`).set('Authorization', auth)).body.logoUrl as string;
    expectProblem(await t.http().get(url.replace('.png', '.jpg')), 404, 'logo-not-found');
    expectProblem(await t.http().get(`/logos/${'0'.repeat(64)}.png`), 404, 'logo-not-found');
    expectProblem(await t.http().get('/logos/..%2F..%2Fevents.db'), 404, 'logo-not-found');
  });

  test('recognises the format by bytes, not by name or declared type: a GIF or text sent as image/png is 415', async () => {
    const { id } = await createOrg();
    expectProblem(await t.http().put(`/organizations/${id}/logo`).set('Authorization', auth).set('Content-Type', 'image/png').send(IMAGES.gif), 415, 'unsupported-logo-format');
    expectProblem(
      await t.http().put(`/organizations/${id}/logo`).set('Authorization', auth).set('Content-Type', 'image/png').send(Buffer.from('<html>hello</html>')),
      415,
      'unsupported-logo-format',
    );
    expect(await t.infra.eventStore.readStream(`organization-${id}`)).toHaveLength(1);
  });

  test('a logo over the 2 MiB cap is 413', async () => {
    const { id } = await createOrg();
    const big = Buffer.concat([IMAGES.png, Buffer.alloc(2 * 1024 * 1024)]);
    const response = await t.http().put(`/organizations/${id}/logo`).set('Authorization', auth).set('Content-Type', 'image/png').send(big);
    expectProblem(response, 413, 'logo-too-large');
  });

  test('an empty body is 400, and an unknown organization is 404', async () => {
    const { id } = await createOrg();
    expectProblem(await t.http().put(`/organizations/${id}/logo`).set('Authorization', auth).set('Content-Type', 'image/png').send(Buffer.alloc(0)), 400, 'logo-missing');
    expectProblem(await t.http().put(`/organizations/${randomUUID()}/logo`).set('Authorization', auth).set('Content-Type', 'image/png').send(IMAGES.png), 404, 'organization-not-found');
  });
});

describe('GET /organizations', () => {
  let prefix: string;
  beforeAll(async () => {
    prefix = `Zeta${randomUUID().slice(0, 6)}`;
    for (const suffix of ['Charlie', 'alpha', 'Bravo', 'delta', 'Echo', 'foxtrot', 'Golf', 'hotel', 'India', 'juliet', 'Kilo', 'lima'])
      await createOrg(`${prefix} ${suffix}`, { description: `About ${suffix}` });
  });

  test('searches by name case-insensitively, sorts by name, pages and counts', async () => {
    const first = await t.http().get('/organizations').query({ search: prefix.toUpperCase(), pageSize: 10 }).set('Authorization', auth);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(12);
    expect(first.body.page).toBe(1);
    expect(first.body.pageSize).toBe(10);
    expect(first.body.items).toHaveLength(10);
    expect(first.body.items[0]).toEqual({ id: expect.any(String), name: `${prefix} alpha`, slug: `${prefix.toLowerCase()}-alpha`, description: 'About alpha', inArrearsAt: null, deletion: null });
    expect(first.body.items.map((i: { name: string }) => i.name.split(' ')[1])).toEqual(['alpha', 'Bravo', 'Charlie', 'delta', 'Echo', 'foxtrot', 'Golf', 'hotel', 'India', 'juliet']);
    const second = await t.http().get('/organizations').query({ search: prefix, pageSize: 10, page: 2 }).set('Authorization', auth);
    expect(second.body.items.map((i: { name: string }) => i.name.split(' ')[1])).toEqual(['Kilo', 'lima']);
  });

  test('search treats regular expression characters literally', async () => {
    const response = await t.http().get('/organizations').query({ search: '.*' }).set('Authorization', auth);
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(0);
  });

  test.each([['7'], ['0'], ['101'], ['abc'], ['-10']])('refuses pageSize=%s with 400', async (pageSize) => {
    const response = await t.http().get('/organizations').query({ pageSize }).set('Authorization', auth);
    expectProblem(response, 400, 'validation-failed');
    expect(response.body.errors[0].field).toBe('pageSize');
  });

  test.each([[10], [25], [50], [100]])('accepts pageSize=%s', async (pageSize) => {
    const response = await t.http().get('/organizations').query({ pageSize }).set('Authorization', auth);
    expect(response.status).toBe(200);
    expect(response.body.pageSize).toBe(pageSize);
  });

  test('refuses page=0 and unknown query parameters', async () => {
    expectProblem(await t.http().get('/organizations').query({ page: 0 }).set('Authorization', auth), 400, 'validation-failed');
    expectProblem(await t.http().get('/organizations').query({ sort: 'name' }).set('Authorization', auth), 400, 'validation-failed');
  });
});

describe('Arrears', () => {
  test('marking records inArrearsAt as now; marking again keeps it; clearing sets it to null', async () => {
    const { id } = await createOrg();
    const before = Date.now();
    const marked = await t.http().post(`/organizations/${id}/arrears`).set('Authorization', auth);
    expect(marked.status).toBe(200);
    const at = marked.body.inArrearsAt as string;
    expect(Date.parse(at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(at)).toBeLessThanOrEqual(Date.now() + 1000);

    const again = await t.http().post(`/organizations/${id}/arrears`).set('Authorization', auth);
    expect(again.body).toMatchObject({ inArrearsAt: at, revision: marked.body.revision });

    const detail = await t.http().get(`/organizations/${id}`).set('Authorization', auth);
    expect(detail.body.inArrearsAt).toBe(at);
    const list = await t.http().get('/organizations').query({ search: detail.body.name }).set('Authorization', auth);
    expect(list.body.items[0].inArrearsAt).toBe(at);

    const cleared = await t.http().delete(`/organizations/${id}/arrears`).set('Authorization', auth);
    expect(cleared.status).toBe(200);
    expect(cleared.body.inArrearsAt).toBeNull();
    expect((await t.http().get(`/organizations/${id}`).set('Authorization', auth)).body.inArrearsAt).toBeNull();
    const types = (await t.infra.eventStore.readStream(`organization-${id}`)).map((e) => e.type);
    expect(types).toEqual(['OrganizationCreated', 'OrganizationMarkedInArrears', 'OrganizationArrearsCleared']);
  });

  test('arrears on an unknown organization are 404, marking and clearing alike', async () => {
    expectProblem(await t.http().post(`/organizations/${randomUUID()}/arrears`).set('Authorization', auth), 404, 'organization-not-found');
    expectProblem(await t.http().delete(`/organizations/${randomUUID()}/arrears`).set('Authorization', auth), 404, 'organization-not-found');
  });

  test('arrears refuse a body: the route takes none', async () => {
    const { id } = await createOrg();
    expectProblem(await t.http().post(`/organizations/${id}/arrears`).set('Authorization', auth).send({ inArrearsAt: '2020-01-01' }), 400, 'validation-failed');
  });
});

describe('GET /organizations/:orgId', () => {
  test('an unknown organization is 404', async () => {
    expectProblem(await t.http().get(`/organizations/${randomUUID()}`).set('Authorization', auth), 404, 'organization-not-found');
  });

  test('an unknown route is a 404 problem', async () => {
    expectProblem(await t.http().get('/nowhere').set('Authorization', auth), 404, 'not-found');
  });
});
