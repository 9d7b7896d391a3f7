// Builds the TypeScript only when a source or build setting changed since the last
// build: `npm start` then starts in seconds instead of spending ~30 s in tsc each time.
// Plain Node, no dependencies. `npm run build` (--force) always builds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const walk = (dir) => {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (entry === 'node_modules') continue;
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.ts')) inputs.push(path);
  }
};
for (const dir of ['apps', 'libs', 'bench']) if (existsSync(dir)) walk(dir);

const hash = createHash('sha256');
for (const file of inputs) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
const wanted = hash.digest('hex');
const stampFile = 'dist/.build-stamp';
const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : null;

const force = process.argv.includes('--force');
if (force || current !== wanted || !existsSync('dist/apps/command-api/src/main.js')) {
  process.stdout.write('Building (TypeScript)...\n');
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stampFile, `${wanted}\n`);
}
