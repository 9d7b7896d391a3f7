import { describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setupTokenFromLog } from '../support/members.js';
import { withTestApp, type TestApp } from '../support/test-app.js';

/**
 * Whatever sequence of commands the API allows, /audit/verify says intact; after one
 * event of the organization's streams is edited or deleted in the SQLite file, it says
 * exactly where. Sequences come from a seeded generator, so a failure can be replayed.
 */
let t: TestApp;
let root: string;
withTestApp((app, token) => ((t = app), (root = token)), { PUBLIC_URL: 'https://api.school.test' });

/** mulberry32: small, seeded, good enough to pick commands. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: T[]): T => items[Math.floor(next() * items.length)] };
}

interface Person { id: string; email: string; status: 'pending' | 'active' | 'deactivated' }

async function runSequence(seed: number, steps: number): Promise<{ orgId: string; log: string[] }> {
  const rnd = random(seed);
  const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: `Property School ${seed}`, timeZone: 'UTC' })).body.id as string;
  const people: Person[] = [];
  const providers: string[] = [];
  const emails = ['ada', 'grace', 'alan', 'edsger'].map((n) => `${n}.${seed}@prop.test`);
  const log: string[] = [];
  const ok = (status: number) => status < 500;
  const body = (overrides: Record<string, unknown> = {}) => ({ firstName: 'P', lastName: `R${Math.floor(rnd.next() * 100)}`, roles: [rnd.pick(['admin', 'instructor'])], ...overrides });
  for (let i = 0; i < steps; i++) {
    const pending = people.filter((p) => p.status === 'pending');
    const active = people.filter((p) => p.status === 'active');
    const deactivated = people.filter((p) => p.status === 'deactivated');
    const free = emails.filter((e) => !people.some((p) => p.email === e));
    const moves: [string, () => Promise<number>][] = [];
    if (free.length)
      moves.push(['invite', async () => {
        const email = rnd.pick(free);
        const r = await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email, ...body() });
        if (r.status === 201) people.push({ id: r.body.id, email, status: 'pending' });
        return r.status;
      }]);
    if (pending.length) {
      moves.push(['resend', async () => (await t.http().post(`/organizations/${orgId}/users/${rnd.pick(pending).id}/invitation`).set('Authorization', root).send({})).status]);
      moves.push(['delete', async () => {
        const who = rnd.pick(pending);
        const r = await t.http().delete(`/organizations/${orgId}/users/${who.id}`).set('Authorization', root);
        if (r.status === 200 || r.status === 204) people.splice(people.indexOf(who), 1);
        return r.status;
      }]);
      moves.push(['set up', async () => {
        const who = rnd.pick(pending);
        const r = await t.http().post('/auth/setup').send({ token: await setupTokenFromLog(t, orgId, who.id), password: 'property based password' });
        if (r.status === 201) who.status = 'active';
        return r.status;
      }]);
    }
    if (people.length) moves.push(['edit', async () => (await t.http().patch(`/organizations/${orgId}/users/${rnd.pick(people).id}`).set('Authorization', root).send(body())).status]);
    if (active.length)
      moves.push(['deactivate', async () => {
        const who = rnd.pick(active);
        const r = await t.http().post(`/organizations/${orgId}/users/${who.id}/deactivate`).set('Authorization', root).send({});
        if (r.status === 200) who.status = 'deactivated';
        return r.status;
      }]);
    if (deactivated.length)
      moves.push(['reactivate', async () => {
        const who = rnd.pick(deactivated);
        const r = await t.http().post(`/organizations/${orgId}/users/${who.id}/reactivate`).set('Authorization', root).send({});
        if (r.status === 200) who.status = 'active';
        return r.status;
      }]);
    moves.push(['rename', async () => (await t.http().patch(`/organizations/${orgId}`).set('Authorization', root).send({ name: `Property School ${seed} ${i}` })).status]);
    moves.push(['arrears', async () => (await t.http().post(`/organizations/${orgId}/arrears`).set('Authorization', root)).status]);
    moves.push(['clear arrears', async () => (await t.http().delete(`/organizations/${orgId}/arrears`).set('Authorization', root)).status]);
    moves.push(['add SSO', async () => {
      const r = await t.http().post('/sso/providers').set('Authorization', root)
        .send({ organizationId: orgId, protocol: 'oidc', displayName: `IdP ${i}`, issuer: 'https://idp.prop.test', clientId: 'lms', clientSecret: 'a-client-secret', scopes: 'openid, email' });
      if (r.status === 201) providers.push(r.body.id);
      return r.status;
    }]);
    if (providers.length) {
      moves.push(['edit SSO', async () => (await t.http().patch(`/sso/providers/${rnd.pick(providers)}`).set('Authorization', root).send({ displayName: `IdP edited ${i}` })).status]);
      moves.push(['remove SSO', async () => {
        const id = rnd.pick(providers);
        const r = await t.http().delete(`/sso/providers/${id}`).set('Authorization', root);
        if (r.status < 300) providers.splice(providers.indexOf(id), 1);
        return r.status;
      }]);
    }
    const [name, run] = rnd.pick(moves);
    const status = await run();
    log.push(`${name} ${status}`);
    expect({ step: i, name, ok: ok(status) }).toEqual({ step: i, name, ok: true });
  }
  return { orgId, log };
}

const verify = async (orgId: string) => (await t.http().get('/audit/verify').query({ organizationId: orgId }).set('Authorization', root)).body;

describe('verify holds for every sequence of commands, and finds any single edit or deletion', () => {
  test('the guide\'s troubleshooting step: delete a pending user and invite the same email again', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Reinvite School', timeZone: 'UTC' })).body.id;
    const first = await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'again@prop.test', firstName: 'A', lastName: 'G', roles: ['instructor'] });
    expect((await t.http().delete(`/organizations/${orgId}/users/${first.body.id}`).set('Authorization', root)).status).toBeLessThan(300);
    expect((await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'again@prop.test', firstName: 'A', lastName: 'G', roles: ['instructor'] })).status).toBe(201);
    // The same address then taken by another organization: a shared reservation stream.
    const other = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Other Reinvite School', timeZone: 'UTC' })).body.id;
    const again = (await t.http().get(`/organizations/${orgId}/users`).query({ search: 'again' }).set('Authorization', root)).body.items[0].id;
    await t.http().delete(`/organizations/${orgId}/users/${again}`).set('Authorization', root);
    expect((await t.http().post(`/organizations/${other}/users`).set('Authorization', root).send({ email: 'again@prop.test', firstName: 'A', lastName: 'G', roles: ['instructor'] })).status).toBe(201);
    expect(await verify(orgId)).toMatchObject({ intact: true, firstBreak: null });
    expect(await verify(other)).toMatchObject({ intact: true, firstBreak: null });
  });

  test.each([1, 2, 3, 4])('seed %i: 30 random commands, verify intact; then one edited and one deleted event are found exactly', async (seed) => {
    const { orgId, log } = await runSequence(seed, 30);
    // The sequence did things: most commands were accepted, not refused.
    expect(log.filter((line) => / 2\d\d$/.test(line)).length).toBeGreaterThanOrEqual(15);
    const result = await verify(orgId);
    expect({ log, result }).toMatchObject({ result: { intact: true, firstBreak: null } });

    // Every event of every stream the organization wrote to.
    const db = new Database(join(t.dataDir, 'events.db'));
    try {
      const rows = db.prepare(`SELECT position, stream_name AS streamName, revision, data FROM events WHERE stream_name IN (SELECT DISTINCT stream_name FROM events WHERE json_extract(metadata, '$.organizationId') = ?) ORDER BY position`).all(orgId) as { position: number; streamName: string; revision: number; data: string }[];
      const rnd = random(seed * 7919);
      const edited = rnd.pick(rows);
      const original = edited.data;
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify({ ...JSON.parse(original), forged: true }), edited.position);
      expect((await verify(orgId)).firstBreak).toEqual({ position: edited.position, streamName: edited.streamName, revision: edited.revision, reason: 'content-hash-mismatch' });
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(original, edited.position);
      expect((await verify(orgId)).intact).toBe(true);

      // Not the log's very last event: removing the tail of a log leaves nothing behind
      // it to notice the loss (only an anchor kept outside the log could).
      const head = (db.prepare('SELECT MAX(position) AS head FROM events').get() as { head: number }).head;
      const deleted = rnd.pick(rows.filter((r) => r.position !== head));
      const next = rows.find((r) => r.streamName === deleted.streamName && r.revision === deleted.revision + 1);
      const after = (db.prepare('SELECT position, stream_name AS streamName, revision FROM events WHERE position > ? ORDER BY position LIMIT 1').get(deleted.position)) as { position: number; streamName: string; revision: number } | undefined;
      const row = db.prepare('SELECT * FROM events WHERE position = ?').get(deleted.position) as Record<string, unknown>;
      db.prepare('DELETE FROM events WHERE position = ?').run(deleted.position);
      const found = (await verify(orgId)).firstBreak;
      // Put it back, so the next sequence starts from an untouched log.
      const columns = Object.keys(row);
      db.prepare(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(row);
      expect((await verify(orgId)).intact).toBe(true);
      // Within the stream, the next event shows the gap; the log's next position shows the
      // hole (the only trace when the event was its stream's last). At the same position
      // the stream's account, which names what is missing, is the one given.
      const expected = [
        ...(next ? [{ position: next.position, streamName: next.streamName, revision: next.revision, reason: 'revision-gap' }] : []),
        ...(after ? [{ position: after.position, streamName: after.streamName, revision: after.revision, reason: 'log-position-gap' }] : []),
      ].sort((a, b) => a.position - b.position)[0];
      expect(found).toEqual(expected);
    } finally {
      db.close();
    }
  });
});
