import { afterAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataLog } from '../support/data-log.js';
import { SqliteReadStore } from '#read-models';
import { freePort } from '../support/net.js';
import { API_MAIN, request, startProcess } from '../support/processes.js';
import { expectReadModelsEqualRebuild } from '../support/read-models.js';

let dataDir = mkdtempSync(join(tmpdir(), 'org-durability-'));
const dataDirs = [dataDir];
const admin = { email: 'durable@platform.test', password: 'durable-password-1' };

/** Starts the built service exactly as `npm start` does, on the shared data directory. */
async function start(port: number): Promise<ChildProcess> {
  return (await startProcess(API_MAIN, port, { PORT: String(port), DATA_DIR: dataDir, SUPERADMIN_EMAIL: admin.email, SUPERADMIN_PASSWORD: admin.password })).child;
}

const api = (port: number, method: string, path: string, token?: string, body?: unknown) => request(`http://127.0.0.1:${port}`, method, path, { token, body });

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('Durability of the embedded default', () => {
  test('after kill -9 and a restart, every acknowledged organization is still there, unchanged', async () => {
    expect(existsSync(API_MAIN)).toBe(true); // `npm test` builds before running the tests
    const port = await freePort();
    const first = await start(port);
    children.push(first);
    const token = (await api(port, 'POST', '/auth/login', undefined, admin)).body.accessToken as string;

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await api(port, 'POST', '/organizations', token, { name: `Durable ${i}`, description: `kept ${i}`, timeZone: 'Asia/Tokyo' });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    expect((await api(port, 'PATCH', `/organizations/${ids[1]}`, token, { name: 'Durable renamed', timeZone: 'UTC' })).status).toBe(200);
    expect((await api(port, 'POST', `/organizations/${ids[2]}/arrears`, token)).status).toBe(200);
    const before = await Promise.all(ids.map(async (id) => (await api(port, 'GET', `/organizations/${id}`, token)).body));
    const listBefore = (await api(port, 'GET', '/organizations?search=Durable&pageSize=10', token)).body;
    expect(listBefore.total).toBe(5);

    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    const second = await start(port);
    children.push(second);
    const token2 = (await api(port, 'POST', '/auth/login', undefined, admin)).body.accessToken as string;
    const after = await Promise.all(ids.map(async (id) => (await api(port, 'GET', `/organizations/${id}`, token2)).body));
    expect(after).toEqual(before);
    expect((await api(port, 'GET', '/organizations?search=Durable&pageSize=10', token2)).body).toEqual(listBefore);
    // The old session survives the restart too: sessions are kept on disk.
    expect((await api(port, 'GET', '/organizations', token)).status).toBe(200);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
  }, 90_000);

  test('kill -9 during a load of invitations loses no acknowledged one, and the read models equal a rebuild from zero', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'org-durability-load-'));
    dataDirs.push(dataDir);
    const port = await freePort();
    const first = await start(port);
    children.push(first);
    const token = (await api(port, 'POST', '/auth/login', undefined, admin)).body.accessToken as string;
    const school = (await api(port, 'POST', '/organizations', token, { name: 'Load School', timeZone: 'UTC' })).body.id as string;

    // Twenty clients invite as fast as they can; the process is killed once 150 are acknowledged.
    const acknowledged: { id: string; email: string }[] = [];
    let interrupted = 0;
    let killed = false;
    let n = 0;
    const client = async () => {
      while (!killed) {
        const email = `load${n++}@school.test`;
        try {
          const r = await api(port, 'POST', `/organizations/${school}/users`, token, { email, firstName: 'Load', lastName: `Member${n}`, roles: ['instructor'] });
          if (r.status === 201) acknowledged.push({ id: r.body.id, email });
          if (acknowledged.length >= 150 && !killed) {
            killed = true;
            first.kill('SIGKILL');
          }
        } catch {
          interrupted++; // a request in flight when the process died
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, client));
    await new Promise((r) => (first.exitCode !== null || first.signalCode !== null ? r(null) : first.once('exit', r)));
    // The racers raced: requests were in flight when the process died.
    expect(interrupted).toBeGreaterThan(0);

    const second = await start(port);
    children.push(second);
    const token2 = (await api(port, 'POST', '/auth/login', undefined, admin)).body.accessToken as string;
    for (const { id, email } of acknowledged) {
      const member = await api(port, 'GET', `/organizations/${school}/users/${id}`, token2);
      expect({ status: member.status, email: member.body.email }).toEqual({ status: 200, email });
    }
    const list = (await api(port, 'GET', `/organizations/${school}/users?pageSize=25&search=member`, token2)).body;
    expect(list.total).toBeGreaterThanOrEqual(acknowledged.length);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));

    // The read models the two processes left in read.db equal the ones built from the log alone.
    const events = openDataLog(dataDir);
    const kept = new SqliteReadStore(join(dataDir, 'read.db'));
    const compared = await expectReadModelsEqualRebuild(events, kept);
    expect(compared).toBeGreaterThan(acknowledged.length);
    await Promise.all([events.close(), kept.close()]);
  }, 120_000);
});
