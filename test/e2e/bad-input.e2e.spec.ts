import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { withTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let root: string;
let orgId: string;
let userId: string;
withTestApp(async (app, token) => {
  t = app;
  root = token;
  orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Bad Input School', timeZone: 'UTC' })).body.id;
  userId = (await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'bad@input.test', firstName: 'B', lastName: 'I', roles: ['instructor'] })).body.id;
});

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const nestedObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('Bad input never reaches a 500', () => {
  test.each([
    ['45,000 nested arrays', `{"name":"x","timeZone":"UTC","description":${nested(45_000)}}`],
    ['33 nested objects', nestedObject(33)],
  ])('a JSON body of %s is a 400 problem, not a stack overflow', async (_label, body) => {
    const response = await t.http().post('/organizations').set('Authorization', root).set('content-type', 'application/json').send(body);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'json-too-deep' });
  });

  test('32 levels is still read (and refused for what it says, not for its depth)', async () => {
    const response = await t.http().post('/organizations').set('Authorization', root).set('content-type', 'application/json').send(nestedObject(32));
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation-failed');
  });

  test('every list answers 400 to a page past 1,000,000 or not a whole number', async () => {
    const document = (await t.http().get('/docs/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
    const lists = Object.entries(document.paths)
      .filter(([, operations]) => operations.get?.parameters?.some((p) => p.name === 'page' && p.in === 'query'))
      .map(([path]) => path.replace('{orgId}', orgId).replace('{userId}', userId).replace('{teamId}', randomUUID()));
    // Organizations, users, classes, the audit logs, SSO providers, platform auditors.
    expect(lists.length).toBeGreaterThanOrEqual(6);
    const answers: string[] = [];
    for (const path of lists)
      for (const page of ['1e308', '1000001', '1.5', '-1', 'abc', '0x10']) {
        const response = await t.http().get(path).query({ page }).set('Authorization', root);
        answers.push(`${path}?page=${page} ${response.status} ${response.body.code}`);
      }
    expect(answers.filter((a) => !a.endsWith(' 400 validation-failed'))).toEqual([]);
    // A real page far out is an empty page, not an error.
    const far = await t.http().get('/organizations').query({ page: 1_000_000 }).set('Authorization', root);
    expect(far.status).toBe(200);
    expect(far.body.items).toEqual([]);
  });
});
