import { expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataLog } from '../support/data-log.js';
import { burst } from '../support/burst.js';
import { startTestApp } from '../support/test-app.js';

/**
 * Two replicas of the API on one log (the embedded store is safe across connections),
 * each with its own stream cache and queue: commands on one organization sent to both
 * at once conflict at the append. Without If-Match, a conflict is the service's to
 * resolve (decide again on fresh state), not the client's: every one must land.
 */
test('commands without If-Match on one organization, sent to two replicas at once, all land', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'org-replicas-'));
  const a = await startTestApp({}, dir);
  const b = await startTestApp({}, dir);
  let answers: { status: number; body: Record<string, unknown> }[];
  try {
    const auth = await a.login();
    const orgId = (await a.http().post('/organizations').set('Authorization', auth).send({ name: 'Two Doors', timeZone: 'UTC' })).body.id as string;
    const invite = (i: number) => ({ method: 'POST', path: `/organizations/${orgId}/users`, headers: { Authorization: auth }, body: { email: `door${i}@two.test`, firstName: 'Door', lastName: `N${i}`, roles: ['instructor'] } });
    const [fromA, fromB] = await Promise.all([
      burst(a.app.getHttpServer() as Server, Array.from({ length: 60 }, (_, i) => invite(2 * i))),
      burst(b.app.getHttpServer() as Server, Array.from({ length: 60 }, (_, i) => invite(2 * i + 1))),
    ]);
    answers = [...fromA, ...fromB];
  } finally {
    await a.close({ keepData: true });
    await b.close({ keepData: true });
  }
  try {
    expect(answers.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    // Every answer is an event in the log, read by a fresh connection after both stopped.
    const log = openDataLog(dir);
    const invited = new Set<string>();
    const replicaInOrder: number[] = [];
    for await (const e of log.readAll())
      if (e.type === 'UserInvited') {
        const { userId, email } = e.data as { userId: string; email: string };
        invited.add(userId);
        replicaInOrder.push(Number(/door(\d+)@/.exec(email)![1]) % 2);
      }
    await log.close();
    expect(answers.filter((r) => !invited.has(r.body.id as string))).toEqual([]);
    expect(invited.size).toBe(120);
    // The replicas raced: their commands are interleaved in the stream, not one burst after the other.
    const switches = replicaInOrder.filter((replica, i) => i > 0 && replica !== replicaInOrder[i - 1]).length;
    expect(switches).toBeGreaterThan(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
