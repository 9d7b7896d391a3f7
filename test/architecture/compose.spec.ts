import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { parse } from 'yaml';

/**
 * No Docker engine runs where this project is developed and tested, so the compose file
 * and the image are checked here for what can be known without one: the file parses,
 * every image is pinned to a version, every service says how it is healthy, the apps
 * start after their dependencies are healthy, published ports do not collide, the proxy
 * sends to both API replicas, and the image runs as a non-root user on a Node version
 * that every production dependency accepts.
 */
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const apps = Object.entries(services).filter(([, s]) => s.build !== undefined);
const role = (s: Service) => (s.command ?? []).join(' ');

describe('docker-compose.yml', () => {
  test('has the production shape: EventStoreDB, a MongoDB replica set, an SMTP catcher, a proxy, two API replicas and a projector with a standby', () => {
    expect(services.eventstore.image).toMatch(/^eventstore\/eventstore:/);
    expect(services.mongo.command).toEqual(expect.arrayContaining(['--replSet']));
    expect(services.mailpit.image).toMatch(/^axllent\/mailpit:/);
    expect(services.proxy.image).toMatch(/^nginx:/);
    const apis = apps.filter(([, s]) => role(s).includes('command-api'));
    const projectors = apps.filter(([, s]) => role(s).includes('projector'));
    expect(apis.map(([name]) => name).sort()).toEqual(['api-1', 'api-2']);
    expect(projectors).toHaveLength(2);
    for (const [, api] of apis) expect(api.environment?.RUN_PROJECTOR).toBe('false');
  });

  test('every image is pinned to a version that names at least major.minor, never latest', () => {
    const unpinned = Object.entries(services)
      .filter(([, s]) => s.build === undefined)
      .map(([name, s]) => [name, s.image ?? ''] as const)
      .filter(([, image]) => !/:(v?\d+\.\d+(\.\d+)?)(-[\w.-]+)?$/.test(image));
    expect(unpinned).toEqual([]);
  });

  test('every service has a healthcheck, and each app checks the port it listens on', () => {
    expect(Object.entries(services).filter(([, s]) => !s.healthcheck).map(([name]) => name)).toEqual([]);
    for (const [name, app] of apps) {
      const port = role(app).includes('projector') ? app.environment?.PROJECTOR_PORT : app.environment?.PORT;
      expect([name, JSON.stringify(app.healthcheck!.test)]).toEqual([name, expect.stringContaining(`127.0.0.1:${port}/`)]);
    }
  });

  test('apps start after their dependencies are healthy; the projector after the SMTP catcher it mails through', () => {
    for (const [name, app] of apps) {
      const needs = role(app).includes('projector') ? ['eventstore', 'mongo', 'mailpit'] : ['eventstore', 'mongo'];
      for (const dependency of needs) expect([name, dependency, app.depends_on?.[dependency]?.condition]).toEqual([name, dependency, 'service_healthy']);
    }
    expect(services.proxy.depends_on).toEqual({ 'api-1': { condition: 'service_healthy' }, 'api-2': { condition: 'service_healthy' } });
  });

  test('published host ports do not collide', () => {
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => String(p).split(':').at(-2)));
    expect(hostPorts.length).toBeGreaterThan(0);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    // The API replicas publish nothing: the proxy is the one way in.
    for (const [name, app] of apps) expect([name, app.ports]).toEqual([name, undefined]);
  });

  test('the proxy sends to both API replicas on the port they listen on', () => {
    const mount = services.proxy.volumes!.find((v) => v.includes('nginx'))!;
    const conf = readFileSync(mount.split(':')[0], 'utf8');
    const upstream = [...conf.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstream).toEqual(['api-1:3000', 'api-2:3000']);
    expect(services['api-1'].environment?.PORT).toBe(3000);
  });

  test('every process shares one SECRETS_KEY and one MongoDB replica set', () => {
    for (const [name, app] of apps) {
      expect([name, String(app.environment?.SECRETS_KEY)]).toEqual([name, expect.stringContaining('${SECRETS_KEY:?')]);
      expect([name, app.environment?.MONGODB_URI]).toEqual([name, expect.stringContaining('replicaSet=rs0')]);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean; os?: string[]; engines?: { node?: string } | string[] }> };

  test('installs with npm ci, builds with the scripts the build calls, and runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).toMatch(/^COPY scripts \.\/scripts$/m);
    const lastUser = [...dockerfile.matchAll(/^USER (\S+)$/gm)].at(-1)?.[1];
    expect(lastUser).toBeDefined();
    expect(['root', '0']).not.toContain(lastUser);
  });

  test('its Node version is one every production dependency installed on Linux accepts', () => {
    const versions = [...dockerfile.matchAll(/^FROM node:(\d+\.\d+\.\d+)-/gm)].map((m) => m[1]);
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) {
      const refusing = Object.entries(lock.packages)
        .filter(([path, entry]) => path !== '' && !entry.dev && (!entry.os || entry.os.includes('linux')) && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
        .filter(([, entry]) => !semver.satisfies(version, (entry.engines as { node: string }).node, { includePrerelease: true }))
        .map(([path]) => path);
      expect([version, refusing]).toEqual([version, []]);
    }
  });
});
