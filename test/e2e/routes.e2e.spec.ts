import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { PERMISSION_KEY, PUBLIC_ROUTE } from '../../apps/command-api/src/auth/permissions.decorator.js';
import { PERMISSION_MATRIX } from '../../libs/domain/src/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Every route of the running app with the permission it declares. */
function routes(app: TestApp['app']) {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const found: { route: string; permission: string | undefined }[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler);
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      found.push({
        route: `${method} /${[base, path].filter((p) => p && p !== '/').join('/')}`,
        permission: reflector.getAllAndOverride(PERMISSION_KEY, [handler as never, metatype]),
      });
    }
  }
  return found;
}

describe('Routes', () => {
  test('every route declares a permission from the matrix, or is declared public', () => {
    const all = routes(t.app);
    expect(all.length).toBeGreaterThanOrEqual(14);
    const undeclared = all.filter((r) => r.permission === undefined);
    expect(undeclared).toEqual([]);
    const unknown = all.filter((r) => r.permission !== PUBLIC_ROUTE && !(r.permission! in PERMISSION_MATRIX));
    expect(unknown).toEqual([]);
  });

  test('only sign-in, the setup page and its form, and health are public', () => {
    const open = routes(t.app).filter((r) => r.permission === PUBLIC_ROUTE).map((r) => r.route).sort();
    expect(open).toEqual(['GET /health', 'GET /setup', 'POST /auth/login', 'POST /auth/setup']);
  });

  test('every route that is not public answers 401 without a token, and with an unknown token', async () => {
    const orgId = '6c1f4a2e-7d1b-4b7e-9a57-0d7f5c1e2a10';
    const protectedRoutes = routes(t.app).filter((r) => r.permission !== PUBLIC_ROUTE);
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
      readStore: { status: 'up', kind: 'mingo' },
      projector: { status: 'up', inProcess: true, checkpoint: expect.any(Number), lag: 0 },
    });
  });
});
