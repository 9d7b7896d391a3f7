import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import xapiLibrary from '@xapi/xapi';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteReadStore } from '#read-models';
import { StatementWriter } from '../../apps/command-api/src/xapi/statement-writer.js';
import { StreamCache } from '../../apps/command-api/src/shared/write/stream-cache.js';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The learning record store (issue 19), driven by a real xAPI client library
 * (@xapi/xapi, which speaks to it over HTTP as learning content does): statements
 * stored, read back by id and by the standard's filters, paged with `more`, voided,
 * retried without a second copy, refused whole when one is invalid, matched to members
 * or kept as unmatched.
 */
let t: TestApp;
let root: string;
let admin: string;
let orgId: string;
let anaId: string;
let key: string;
let secret: string;
let endpoint: string;
let xapi: InstanceType<typeof XAPI>;
const http = () => t.http();
// The package is CommonJS: its class is the module's export, and (for TypeScript) its `default`.
const XAPI = xapiLibrary.default;
const ANA = 'ana@lrs-school.test';
const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const ATTEMPTED = 'http://adlnet.gov/expapi/verbs/attempted';
const LESSON = (n: number) => `https://lrs-school.test/activities/lesson-${n}`;
const basic = (k: string, s: string) => `Basic ${Buffer.from(`${k}:${s}`).toString('base64')}`;

const statement = (overrides: Record<string, unknown> = {}) => ({
  actor: { objectType: 'Agent', name: 'Ana Lima', mbox: `mailto:${ANA}` },
  verb: { id: COMPLETED, display: { 'en-US': 'completed' } },
  object: { objectType: 'Activity', id: LESSON(1), definition: { name: { 'en-US': 'Lesson 1' } } },
  result: { completion: true, success: true, score: { scaled: 0.8 }, duration: 'PT5M' },
  ...overrides,
});

/** The statement events of the organization's stream. */
const storedEvents = async () => (await t.infra.eventStore.readStream(`xapi-${orgId}`)).filter((e) => e.type === 'XapiStatementStored');
/** An axios error's status and problem code, or the answer's status when it did not fail. */
async function failure(call: Promise<unknown>): Promise<{ status: number; code?: string }> {
  try {
    const answer = (await call) as { status: number };
    return { status: answer.status };
  } catch (error) {
    const response = (error as { response?: { status: number; data: { code?: string } } }).response;
    if (!response) throw error;
    return { status: response.status, code: response.data.code };
  }
}

beforeAll(async () => {
  // Read-your-writes for statements (off by default: an LRS answers once they are durable), so each test reads back at once.
  t = await startTestApp({ XAPI_READ_YOUR_WRITES: 'true' });
  await t.app.listen(0, '127.0.0.1');
  endpoint = `${await t.app.getUrl()}/xapi/`.replace('[::1]', '127.0.0.1');
  root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'LRS School', timeZone: 'Europe/Lisbon' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@lrs-school.test', roles: ['admin'] }, 'lrs-admin-password-1');
  admin = await t.login('admin@lrs-school.test', 'lrs-admin-password-1');
  anaId = await inviteAndSetUp(t, admin, orgId, { email: ANA, roles: ['member'], firstName: 'Ana', lastName: 'Lima' }, 'ana-password-12');
  const issued = await http().post(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin).send({ name: 'Course player' });
  ({ key, secret } = issued.body);
  xapi = new XAPI({ endpoint, auth: XAPI.toBasicAuth(key, secret) });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('the learning record store', () => {
  test('About names 1.0.3; every answer carries X-Experience-API-Version', async () => {
    const about = await xapi.getAbout();
    expect(about.data.version).toContain('1.0.3');
    expect(about.headers['x-experience-api-version']).toBe('1.0.3');
    const refused = await http().get('/xapi/statements').set('X-Experience-API-Version', '1.0.3');
    expect([refused.status, refused.headers['x-experience-api-version']]).toEqual([401, '1.0.3']);
  });

  test('a statement is stored as sent, with what the LRS adds, matched to the member by mailbox, and read back by id', async () => {
    const before = new Date().toISOString();
    const sent = await xapi.sendStatement({ statement: statement() as never });
    const [id] = sent.data;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const read = await xapi.getStatement({ statementId: id });
    expect(read.data).toMatchObject({ ...statement(), id, version: '1.0.0', authority: { objectType: 'Agent', name: 'Course player', account: { name: key } } });
    expect(read.data.stored! >= before).toBe(true);
    expect(read.data.timestamp).toBe(read.data.stored);
    expect(Date.parse(read.headers['x-experience-api-consistent-through'])).toBeGreaterThanOrEqual(Date.parse(read.data.stored!));
    const [event] = (await storedEvents()).filter((e) => e.data.statementId === id);
    expect([event.data.userId, event.data.agentKey]).toEqual([anaId, `mbox:mailto:${ANA}`]);
  });

  test('a retry (same id, same statement) stores nothing more and answers the same; the same id with another statement is 409', async () => {
    const id = randomUUID();
    const first = await xapi.sendStatements({ statements: [statement({ id, object: { objectType: 'Activity', id: LESSON(2) } })] as never });
    const count = (await storedEvents()).length;
    // The same statement with its keys in another order is the same statement.
    const { object, ...rest } = statement({ id, object: { id: LESSON(2), objectType: 'Activity' } });
    const again = await xapi.sendStatements({ statements: [{ object, ...rest }] as never });
    expect([first.data, again.data]).toEqual([[id], [id]]);
    expect((await storedEvents()).length).toBe(count);
    const conflict = await failure(xapi.sendStatement({ statement: statement({ id, object: { objectType: 'Activity', id: LESSON(3) } }) as never }));
    expect(conflict).toEqual({ status: 409, code: 'xapi-statement-conflict' });
    // A PUT of the same is a 204 that stores nothing; of another, a 409.
    const put = await http().put('/xapi/statements').query({ statementId: id }).set('Authorization', basic(key, secret)).set('X-Experience-API-Version', '1.0.3')
      .send(statement({ object: { objectType: 'Activity', id: LESSON(2) } }));
    expect(put.status).toBe(204);
    expect((await storedEvents()).length).toBe(count);
  });

  test('PUT stores under statementId; an id in the body that differs is 400', async () => {
    const id = randomUUID();
    const call = () => http().put('/xapi/statements').query({ statementId: id }).set('Authorization', basic(key, secret)).set('X-Experience-API-Version', '1.0.3');
    expect((await call().send(statement({ id: randomUUID() }))).body.code).toBe('validation-failed');
    expect((await call().send(statement())).status).toBe(204);
    expect((await xapi.getStatement({ statementId: id })).data.id).toBe(id);
  });

  test('a batch with one invalid statement is refused whole, saying where', async () => {
    const count = (await storedEvents()).length;
    const answer = await http().post('/xapi/statements').set('Authorization', basic(key, secret)).set('X-Experience-API-Version', '1.0.3')
      .send([statement(), statement({ actor: { mbox: 'ana-at-school' } }), statement()]);
    expect([answer.status, answer.body.code]).toEqual([400, 'validation-failed']);
    expect(answer.body.errors[0].field).toBe('statements[1].actor.mbox');
    expect((await storedEvents()).length).toBe(count);
    const twice = randomUUID();
    const duplicate = await http().post('/xapi/statements').set('Authorization', basic(key, secret)).set('X-Experience-API-Version', '1.0.3').send([statement({ id: twice }), statement({ id: twice })]);
    expect([duplicate.status, duplicate.body.code]).toEqual([400, 'validation-failed']);
    expect((await storedEvents()).length).toBe(count);
  });

  test('filters by agent, verb, activity, since and until; pages follow `more` to the end without repeats', async () => {
    const bea = { objectType: 'Agent', name: 'Bea', mbox: 'mailto:bea@lrs-school.test' };
    const since = new Date(Date.now() - 1).toISOString();
    const ids = (
      await xapi.sendStatements({
        statements: Array.from({ length: 7 }, (_, i) => statement({ actor: bea, verb: { id: i % 2 ? ATTEMPTED : COMPLETED }, object: { objectType: 'Activity', id: LESSON(10 + (i % 3)) } })) as never,
      })
    ).data;
    const byBea = await xapi.getStatements({ agent: bea as never, since, limit: 3 });
    expect(byBea.data.statements.map((s) => s.id)).toEqual([ids[6], ids[5], ids[4]]);
    const pages = [byBea.data.statements];
    let more = byBea.data.more;
    while (more) {
      const next = (await xapi.getMoreStatements({ more })).data as typeof byBea.data;
      pages.push(next.statements);
      more = next.more;
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((s) => s.id)).toEqual([...ids].reverse());
    const attempted = await xapi.getStatements({ agent: bea as never, verb: ATTEMPTED });
    expect(attempted.data.statements.map((s) => s.id)).toEqual([ids[5], ids[3], ids[1]]);
    const lesson11 = await xapi.getStatements({ agent: bea as never, activity: LESSON(11), ascending: true });
    expect(lesson11.data.statements.map((s) => s.id)).toEqual([ids[1], ids[4]]);
    const until = await xapi.getStatements({ agent: bea as never, until: since });
    expect(until.data.statements).toEqual([]);
    const bad = await http().get('/xapi/statements').query({ agent: '{"name":"nobody"}' }).set('Authorization', basic(key, secret)).set('X-Experience-API-Version', '1.0.3');
    expect([bad.status, bad.body.code]).toEqual([400, 'validation-failed']);
  });

  test('voiding: the voided statement is found only as voided and leaves the filtered lists; the voiding one is listed', async () => {
    const [id] = (await xapi.sendStatement({ statement: statement({ object: { objectType: 'Activity', id: LESSON(20) } }) as never })).data;
    const [voiding] = (await xapi.voidStatement({ actor: { mbox: 'mailto:admin@lrs-school.test' } as never, statementId: id })).data;
    expect(await failure(xapi.getStatement({ statementId: id }))).toEqual({ status: 404, code: 'xapi-statement-not-found' });
    expect((await xapi.getVoidedStatement({ voidedStatementId: id })).data.id).toBe(id);
    expect((await xapi.getStatements({ activity: LESSON(20) })).data.statements).toEqual([]);
    expect((await xapi.getStatements({ verb: 'http://adlnet.gov/expapi/verbs/voided' })).data.statements.map((s) => s.id)).toContain(voiding);
  });

  test('statements about someone who is no member are stored and reported as unmatched; a mbox_sha1sum matches the member', async () => {
    const stranger = { objectType: 'Agent', name: 'Visitor', mbox: 'mailto:visitor@elsewhere.test' };
    const [kept] = (await xapi.sendStatements({ statements: [statement({ actor: stranger }), statement({ actor: stranger })] as never })).data;
    expect((await xapi.getStatement({ statementId: kept })).data.actor).toEqual(stranger);
    const unmatched = await http().get(`/organizations/${orgId}/xapi/unmatched-agents`).set('Authorization', admin);
    expect(unmatched.body.items).toContainEqual({ agent: 'mbox:mailto:visitor@elsewhere.test', name: 'Visitor', statements: 2, firstStored: expect.any(String), lastStored: expect.any(String) });
    const sha1 = createHash('sha1').update(`mailto:${ANA}`).digest('hex');
    const [hashed] = (await xapi.sendStatement({ statement: statement({ actor: { mbox_sha1sum: sha1 } }) as never })).data;
    expect((await storedEvents()).find((e) => e.data.statementId === hashed)!.data.userId).toBe(anaId);
  });

  test('refused: a wrong secret, a revoked credential, another organization, no version header', async () => {
    const wrong = new XAPI({ endpoint, auth: XAPI.toBasicAuth(key, `${secret.slice(0, -1)}x`) });
    expect(await failure(wrong.getStatements({}))).toEqual({ status: 401, code: 'xapi-unauthenticated' });
    const noVersion = await http().get('/xapi/statements').set('Authorization', basic(key, secret));
    expect([noVersion.status, noVersion.body.code]).toEqual([400, 'xapi-version-required']);
    const other = (await http().post('/organizations').set('Authorization', root).send({ name: 'Other School', timeZone: 'UTC' })).body.id;
    await inviteAndSetUp(t, root, other, { email: 'admin@other-lrs.test', roles: ['admin'] }, 'other-admin-password-1');
    const otherAdmin = await t.login('admin@other-lrs.test', 'other-admin-password-1');
    const otherCredential = (await http().post(`/organizations/${other}/xapi/credentials`).set('Authorization', otherAdmin).send({ name: 'Player' })).body;
    const otherClient = new XAPI({ endpoint, auth: XAPI.toBasicAuth(otherCredential.key, otherCredential.secret) });
    const [mine] = (await xapi.sendStatement({ statement: statement() as never })).data;
    expect(await failure(otherClient.getStatement({ statementId: mine }))).toEqual({ status: 404, code: 'xapi-statement-not-found' });
    expect((await otherClient.getStatements({})).data.statements).toEqual([]);
    const revoked = (await http().post(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin).send({ name: 'Old player' })).body;
    await http().delete(`/organizations/${orgId}/xapi/credentials/${revoked.id}`).set('Authorization', admin);
    expect(await failure(new XAPI({ endpoint, auth: XAPI.toBasicAuth(revoked.key, revoked.secret) }).getStatements({}))).toEqual({ status: 401, code: 'xapi-unauthenticated' });
  });

  test('another process whose read model has not caught up still knows every id: it reads the log past what its read model holds', async () => {
    const id = randomUUID();
    await xapi.sendStatement({ statement: statement({ id, object: { objectType: 'Activity', id: LESSON(30) } }) as never });
    const count = (await storedEvents()).length;
    // A second writer, as in another process: its own stream cache, and a read model with nothing in it yet.
    const empty = new SqliteReadStore(join(t.dataDir, 'behind.sqlite'));
    const writer = new StatementWriter(new StreamCache(t.infra.eventStore), t.infra.eventStore, empty, t.infra.progress, { ...t.infra.config, waitForProjectionOnWrite: false }, t.infra.logger, t.infra);
    const client = { organizationId: orgId, credentialId: key.split('.')[1], credentialName: 'Course player', key };
    const metadata = { actor: { id: client.credentialId, kind: 'xapiClient' as const, roles: [] }, now: new Date().toISOString(), correlationId: randomUUID(), causationId: randomUUID() };
    const retried = await writer.store(client, { statements: [statement({ id, object: { objectType: 'Activity', id: LESSON(30) } })] }, metadata);
    expect([retried.ids, retried.storedCount]).toEqual([[id], 0]);
    await expect(writer.store(client, { statements: [statement({ id, object: { objectType: 'Activity', id: LESSON(31) } })] }, metadata)).rejects.toMatchObject({ code: 'xapi-statement-conflict' });
    // A new statement from it chains on to the stream where the first process left it.
    const fresh = await writer.store(client, { statements: [statement({ object: { objectType: 'Activity', id: LESSON(32) } })] }, metadata);
    expect(fresh.storedCount).toBe(1);
    expect((await storedEvents()).length).toBe(count + 1);
    expect((await http().get('/audit/verify').query({ organizationId: orgId }).set('Authorization', root)).body.intact).toBe(true);
    await empty.close();
  });

  /** Two writers as two processes would have them (their own caches), whose reads of the stream are held until both have read. */
  function racingWriters() {
    const client = { organizationId: orgId, credentialId: key.split('.')[1], credentialName: 'Course player', key };
    const metadata = () => ({ actor: { id: client.credentialId, kind: 'xapiClient' as const, roles: [] }, now: new Date().toISOString(), correlationId: randomUUID(), causationId: randomUUID() });
    const raced = { conflicts: 0, bothRead: false };
    const events = Object.create(t.infra.eventStore) as typeof t.infra.eventStore;
    events.append = async (...args) => {
      try {
        return await t.infra.eventStore.append(...args);
      } catch (error) {
        if ((error as Error).name === 'WrongExpectedRevisionError') raced.conflicts++;
        throw error;
      }
    };
    let waiting = 2;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    events.readStream = async (...args) => {
      const read = await t.infra.eventStore.readStream(...args);
      if (waiting > 0 && args[0] === `xapi-${orgId}`) {
        if (--waiting === 0) {
          raced.bothRead = true;
          release();
        }
        await gate;
      }
      return read;
    };
    const writer = () => new StatementWriter(new StreamCache(t.infra.eventStore), events, t.infra.readStore, t.infra.progress, { ...t.infra.config, xapiWaitForProjection: false }, t.infra.logger, t.infra);
    return { raced, store: (body: Record<string, unknown>) => writer().store(client, { statements: [body] }, metadata()) };
  }

  test('two writers (as two processes) racing with one statement: it is in the log once, and both answer its id', async () => {
    const id = randomUUID();
    const { raced, store } = racingWriters();
    const same = statement({ id, object: { objectType: 'Activity', id: LESSON(40) } });
    const results = await Promise.all([store(same), store(same)]);
    expect(raced.bothRead).toBe(true);
    expect(results.map((r) => r.ids)).toEqual([[id], [id]]);
    // Both decided on the same revision; the second append, with the same event id there, is the event store's retry of the first.
    expect((await storedEvents()).filter((e) => e.data.statementId === id)).toHaveLength(1);
  });

  test('two writers racing with two different statements under one id: one is stored, the other is a 409, and they raced', async () => {
    const id = randomUUID();
    const { raced, store } = racingWriters();
    const outcomes = await Promise.allSettled([store(statement({ id, object: { objectType: 'Activity', id: LESSON(41) } })), store(statement({ id, object: { objectType: 'Activity', id: LESSON(42) } }))]);
    expect(raced.bothRead).toBe(true);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'xapi-statement-conflict' });
    // The loser's first append was refused (the stream had moved), and its second decision found the id taken.
    expect(raced.conflicts).toBe(1);
    expect((await storedEvents()).filter((e) => e.data.statementId === id)).toHaveLength(1);
  });
});
