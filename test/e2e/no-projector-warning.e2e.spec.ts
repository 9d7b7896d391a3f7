import { expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp } from '../support/test-app.js';

/**
 * An API process started with RUN_PROJECTOR=false relies on a projector process. Without
 * one its read models never move: it says so in its log, and says nothing when a
 * projector runs.
 */
const WARNING = 'no process runs the projector';
const settle = () => new Promise((resolve) => setTimeout(resolve, 2_600));

test('an API process without a projector anywhere warns once the lease has had its lifetime to be taken; beside one it does not', async () => {
  const alone: string[] = [];
  const api = await startTestApp({ RUN_PROJECTOR: 'false', LEASE_TTL_SECONDS: '2', LOG_LEVEL: 'warn' }, undefined, { logLines: alone });
  try {
    await settle();
    expect(alone.filter((line) => line.includes(WARNING)).map((line) => JSON.parse(line).level)).toEqual([40]);
  } finally {
    await api.close();
  }

  const dir = mkdtempSync(join(tmpdir(), 'org-no-projector-'));
  const projector = await startTestApp({ LEASE_TTL_SECONDS: '2' }, dir);
  const beside: string[] = [];
  const replica = await startTestApp({ RUN_PROJECTOR: 'false', LEASE_TTL_SECONDS: '2', LOG_LEVEL: 'warn' }, dir, { logLines: beside });
  try {
    await settle();
    expect(beside.filter((line) => line.includes(WARNING))).toEqual([]);
  } finally {
    await replica.close({ keepData: true });
    await projector.close({ keepData: true });
    rmSync(dir, { recursive: true, force: true });
  }
  // Three services start here, each a few seconds under a loaded CI machine: a bound against a hang, not a target.
}, 60_000);
