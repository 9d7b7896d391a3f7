import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { PUBLIC_ROUTE, XAPI_CLIENT_ROUTE } from '../../apps/command-api/src/auth/permissions.decorator.js';
import { listRoutes } from '../support/routes.js';
import { PERMISSION_MATRIX } from '#domain';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const routes = (app: TestApp['app']) => listRoutes(app);

describe('Routes', () => {
  test('every route declares a permission from the matrix, or is declared public', () => {
    const all = routes(t.app);
    expect(all.length).toBeGreaterThanOrEqual(14);
    const undeclared = all.filter((r) => r.permission === undefined);
    expect(undeclared).toEqual([]);
    const unknown = all.filter((r) => r.permission !== PUBLIC_ROUTE && r.permission !== XAPI_CLIENT_ROUTE && !(r.permission! in PERMISSION_MATRIX));
    expect(unknown).toEqual([]);
  });

  test('only sign-in (password and SSO), registration, the setup page and its form, logos by content address, the public directory, the xAPI About resource and health are public', () => {
    const open = routes(t.app).filter((r) => r.permission === PUBLIC_ROUTE).map((r) => r.route).sort();
    expect(open).toEqual([
      'GET /auth/sso/:providerId/callback',
      'GET /auth/sso/:providerId/login',
      'GET /auth/sso/:providerId/metadata',
      'GET /auth/sso/discover',
      'GET /directory/organizations',
      'GET /directory/organizations/:slug',
      'GET /health',
      'GET /logos/:file',
      'GET /setup',
      'POST /auth/login',
      'POST /auth/register',
      'POST /auth/register/confirm',
      'POST /auth/setup',
      'POST /auth/sso/:providerId/acs',
      'POST /auth/sso/exchange',
      'GET /xapi/about',
    ].sort());
  });

  test('the learning record store takes only an xAPI credential over HTTP Basic: none, a session token or a forged key is 401 with a Basic challenge', async () => {
    const lrs = routes(t.app).filter((r) => r.permission === XAPI_CLIENT_ROUTE).map((r) => r.route).sort();
    expect(lrs).toEqual(['GET /xapi/statements', 'POST /xapi/statements', 'PUT /xapi/statements']);
    const session = await t.login();
    const forged = `Basic ${Buffer.from(`6c1f4a2e-7d1b-4b7e-9a57-0d7f5c1e2a10.6c1f4a2e-7d1b-4b7e-9a57-0d7f5c1e2a11:${'x'.repeat(43)}`).toString('base64')}`;
    for (const route of lrs) {
      const [method, path] = route.split(' ');
      for (const authorization of [undefined, session, forged]) {
        let call = (t.http() as unknown as Record<string, (u: string) => import('supertest').Test>)[method.toLowerCase()](path).set('X-Experience-API-Version', '1.0.3');
        if (authorization) call = call.set('Authorization', authorization);
        const answer = await call;
        expect({ route, status: answer.status, code: answer.body.code, challenge: answer.headers['www-authenticate'] }).toEqual({ route, status: 401, code: 'xapi-unauthenticated', challenge: 'Basic realm="xAPI", charset="UTF-8"' });
      }
    }
  });

  test('every route that is not public answers 401 without a token, and with an unknown token', async () => {
    const orgId = '6c1f4a2e-7d1b-4b7e-9a57-0d7f5c1e2a10';
    const protectedRoutes = routes(t.app).filter((r) => r.permission !== PUBLIC_ROUTE && r.permission !== XAPI_CLIENT_ROUTE);
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(11);
    for (const { route } of protectedRoutes) {
      const [method, path] = route.split(' ');
      const url = path.replace(':orgId', orgId);
      const call = () => (t.http() as unknown as Record<string, (u: string) => import('supertest').Test>)[method.toLowerCase()](url);
      const anonymous = await call();
      expect({ route, status: anonymous.status, code: anonymous.body.code }).toEqual({ route, status: 401, code: 'unauthenticated' });
      const forged = await call().set('Authorization', `Bearer ${'A'.repeat(43)}`);
      expect({ route, status: forged.status }).toEqual({ route, status: 401 });
    }
  });

  test('OpenAPI is served at /docs, generated from the DTOs', async () => {
    const json = await t.http().get('/docs/openapi.json');
    expect(json.status).toBe(200);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/organizations', '/organizations/{orgId}', '/organizations/{orgId}/logo', '/auth/login']));
    expect(json.body.components.schemas.CreateOrganizationDto.required).toEqual(expect.arrayContaining(['name', 'timeZone']));
    expect((await t.http().get('/docs')).status).toBe(200);
  });

  test('GET /health reports the event store, the read store and the projector with its lag', async () => {
    const health = await t.http().get('/health');
    expect(health.status).toBe(200);
    expect(health.body.details).toMatchObject({
      eventStore: { status: 'up', kind: 'sqlite', headPosition: expect.any(Number) },
      readStore: { status: 'up', kind: 'sqlite' },
      projector: { status: 'up', role: 'holder', inProcess: true, checkpoint: expect.any(Number), lag: 0 },
    });
  });
});
