import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAIN_FIELDS, SqliteEventStore, type EventToAppend } from '#event-store';
import { sealLog } from '../../apps/command-api/src/tools/seal-log.js';
import { sealChain } from '../../apps/command-api/src/shared/write/event-envelope.js';
import { openDataLog } from '../support/data-log.js';
import { searchFiles } from '../support/files.js';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The copy-and-transform that brings a log written before personal data was sealed
 * under erasure (issue 20, tools/seal-log.ts). A log "from before" is made from one the
 * service wrote: the same events with their personal values in clear and chains over
 * them, as the service wrote them until now. The copy seals them, keeps every event as it
 * reads, and the service then runs on it and erases someone from it completely.
 */
const PASSWORD = 'seal-log-password-1';
const NAME = ['Wilhelmina', 'Zeppelinfeld'];
const EMAIL = 'wilhelmina.zeppelinfeld@seal-log.example';
const PERSONAL = [...NAME, EMAIL];
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
let legacy: string;
let orgId: string;
let personId: string;
let events: number;

/** The service's log rewritten as it was stored before issue 20: every value in clear, chained. */
async function writeLegacyCopy(from: string, to: string): Promise<number> {
  const opened = openDataLog(from);
  const target = new SqliteEventStore({ filename: join(to, 'events.db') });
  const heads = new Map<string, { revision: number; hash: string | null }>();
  let count = 0;
  for await (const event of opened.readAll()) {
    const head = heads.get(event.streamName) ?? { revision: -1, hash: null };
    const metadata = Object.fromEntries(Object.entries(event.metadata).filter(([k]) => !(CHAIN_FIELDS as readonly string[]).includes(k)));
    const copy: EventToAppend[] = [{ id: event.id, type: event.type, data: event.data, metadata }];
    const hash = sealChain(event.streamName, head.revision + 1, copy, head.hash);
    await target.append(event.streamName, copy, { expectedRevision: head.revision === -1 ? 'no_stream' : head.revision });
    heads.set(event.streamName, { revision: head.revision + 1, hash });
    count++;
  }
  await Promise.all([opened.close(), target.close()]);
  copyFileSync(join(from, 'secret.key'), join(to, 'secret.key'));
  return count;
}

beforeAll(async () => {
  const t = await startTestApp();
  const root = await t.login();
  orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Old Records School', timeZone: 'UTC' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'head@old-records.test', roles: ['admin'] }, PASSWORD);
  personId = await inviteAndSetUp(t, root, orgId, { email: EMAIL, roles: ['member'], firstName: NAME[0], lastName: NAME[1] }, PASSWORD);
  await t.close({ keepData: true });
  dirs.push(t.dataDir);
  legacy = tempDir('seal-legacy-');
  events = await writeLegacyCopy(t.dataDir, legacy);
}, 60_000);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('seal-log: copying a log from before sealing', () => {
  test('the log from before holds the person in clear (what the copy is for)', () => {
    expect(searchFiles(legacy, PERSONAL)['events.db']).toEqual(expect.arrayContaining(PERSONAL));
  });

  test('a dry run reports what is in clear and writes nothing', async () => {
    const to = join(tmpdir(), `seal-dry-${process.pid}`);
    const report = await sealLog({ from: legacy, to, dryRun: true });
    expect(report).toMatchObject({ events, copied: false, problems: [] });
    // Names and email of both members, their inviter's email and address in the metadata.
    expect(report.clearValues.UserInvited).toBeGreaterThanOrEqual(6);
    expect(existsSync(to)).toBe(false);
  });

  test('the copy seals every personal value, reads as the source did, and the service runs on it and erases completely', async () => {
    const to = tempDir('seal-copy-');
    const report = await sealLog({ from: legacy, to, dryRun: false });
    expect(report).toMatchObject({ events, copied: true, problems: [] });
    expect(searchFiles(to, PERSONAL)).toEqual({});

    const t: TestApp = await startTestApp({}, to);
    try {
      const admin = await t.login('head@old-records.test', PASSWORD);
      expect((await t.http().get(`/organizations/${orgId}/users/${personId}`).set('Authorization', admin)).body).toMatchObject({ email: EMAIL, firstName: NAME[0], lastName: NAME[1] });
      expect((await t.http().get('/audit/verify').query({ organizationId: orgId }).set('Authorization', await t.login())).body.intact).toBe(true);
      expect((await t.http().post(`/organizations/${orgId}/users/${personId}/deactivate`).set('Authorization', admin).send({})).status).toBe(200);
      expect((await t.http().post(`/organizations/${orgId}/users/${personId}/erase`).set('Authorization', admin)).status).toBe(200);
    } finally {
      await t.close({ keepData: true });
    }
    expect(searchFiles(to, PERSONAL)).toEqual({});
  });

  test('a damaged source is not copied, nor into a directory that is not empty', async () => {
    const damaged = tempDir('seal-damaged-');
    copyFileSync(join(legacy, 'events.db'), join(damaged, 'events.db'));
    const db = new Database(join(damaged, 'events.db'));
    db.prepare("UPDATE events SET data = replace(data, 'Zeppelinfeld', 'Zeppelinfeldt') WHERE type = 'UserInvited'").run();
    db.close();
    const refused = await sealLog({ from: damaged, to: tempDir('seal-never-'), dryRun: false });
    expect(refused.copied).toBe(false);
    expect(refused.problems).toEqual([expect.stringMatching(/^the source log is damaged at position \d+ \(content-hash-mismatch\)/)]);

    const occupied = tempDir('seal-occupied-');
    writeFileSync(join(occupied, 'something'), 'x');
    const full = await sealLog({ from: legacy, to: occupied, dryRun: false });
    expect([full.copied, full.problems]).toEqual([false, [`${occupied} is not empty: the copy goes to a new data directory`]]);
  });
});
