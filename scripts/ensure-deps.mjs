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
  process.stdout.write('Installing dependencies (better-sqlite3 builds from source, about a minute)...\n');
  // `npm install --no-save` installs the locked tree and leaves the lock alone. Not
  // `npm ci`: npm 11 writes lock files without other platforms' optional packages and
  // then refuses them in `npm ci` (npm/cli#8805); see docs/architecture.md.
  const result = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stampFile, `${wanted}\n`);
}
