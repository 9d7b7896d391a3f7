// Installs dependencies when they are missing or out of date with package-lock.json,
// so `npm start` and `npm test` work from a fresh clone and stay fast afterwards.
// Plain Node, no dependencies: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const lock = readFileSync('package-lock.json');
const wanted = createHash('sha256').update(lock).update(process.version).digest('hex');
const stampFile = 'node_modules/.install-stamp';
const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : null;

if (current !== wanted) {
  process.stdout.write('Installing dependencies with npm ci (the first time takes about two minutes: better-sqlite3 builds from source)...\n');
  // `npm ci` installs exactly the committed lock. `--include=dev` because `npm start`
  // builds the TypeScript first: with NODE_ENV=production npm would otherwise leave
  // out the compiler and the build would fail.
  const result = spawnSync('npm', ['ci', '--include=dev', '--no-audit', '--no-fund'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stampFile, `${wanted}\n`);
}
