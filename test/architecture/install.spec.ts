import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import semver from 'semver';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }> };

describe('Install and start as the README promises', () => {
  test('every production dependency runs on the oldest Node the engines field accepts', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    expect(oldest).toBe('20.19.0');
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.dev && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
      .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node, { includePrerelease: true }))
      .map(([path, entry]) => `${path} wants node ${(entry.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });

  test('the lock holds the optional packages of every platform, so npm ci takes it anywhere', () => {
    const paths = Object.keys(lock.packages);
    expect(paths.filter((p) => p.startsWith('node_modules/@unrs/resolver-binding-')).length).toBeGreaterThanOrEqual(17);
    expect(paths.filter((p) => p.startsWith('node_modules/@img/sharp-')).length).toBeGreaterThanOrEqual(10);
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(/RUN npm ci /);
  });

  test('a start after a build does not compile again', () => {
    // `npm test` has just built (npm run build writes the stamp); a start checks it.
    const run = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('Building');
  });
});
