import { describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secureDataDirectory } from './data-directory.js';

describe('secureDataDirectory', () => {
  test('a directory from an older version is tightened: 0700 for directories, 0600 for files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-data-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'events.db'), 'x', { mode: 0o644 });
    secureDataDirectory(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'events.db')).mode & 0o777).toBe(0o600);
  });

  test('a file another process removes between the listing and the look (SQLite journal) is skipped, not a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-data-'));
    writeFileSync(join(dir, 'events.db'), 'x', { mode: 0o644 });
    // The listing still names events.db-journal, which is gone by the time it is looked at:
    // what four processes starting together on an empty directory produced in CI.
    const listing = (path: string) => [...readdirSync(path), 'events.db-journal'];
    expect(() => secureDataDirectory(dir, listing)).not.toThrow();
    expect(statSync(join(dir, 'events.db')).mode & 0o777).toBe(0o600);
  });
});
