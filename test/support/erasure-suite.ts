import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setupTokenFromLog } from './members.js';
import { startTestApp, type TestApp } from './test-app.js';

/**
 * Erasure by crypto-shredding (GDPR article 17; issue 20), on any deployment. One
 * person goes through every command that records something about them: an invitation
 * to a first address, a resend to a corrected one, setup, sign-in, a password change,
 * an admin's edit of their names, a refused request from outside the organization's IP
 * ranges, learning records that name them, and their own personal-data export. Then
 * they are deactivated and erased, and every place the deployment keeps data (`search`:
 * the data directory's files, and the servers' collections and log in production) is
 * searched for their names, their addresses, their IP and their browser: none is found,
 * while the log's hash chains still verify and every view shows them as erased, by id.
 */
export interface ErasureSuiteOptions {
  name: string;
  env: () => Record<string, string>;
  /** Each place (a file, a collection, the log) that holds one of the values in clear, with those it holds. */
  search: (t: TestApp, values: string[]) => Promise<Record<string, string[]>>;
  /** Places that hold them before the erasure (the read models, in clear to sort and search): the search is shown to find. */
  clearBefore: (found: Record<string, string[]>) => void;
  /** Places that never hold them in clear: the log, the audit log, the keys. */
  neverClear: string[];
}

export function erasureSuite(options: ErasureSuiteOptions): void {
  let t: TestApp;
  let root: string;
  let orgId: string;
  let admin: string;
  let personId: string;
  let importId: string;
  const PASSWORD = 'erasure-test-password-1';
  const FIRST_EMAIL = 'zoltan.quirk@erasure-test.example';
  const EMAIL = 'zoltan.quirkenbacher@erasure-test.example';
  const IP = '203.0.113.77';
  const BROWSER = 'QuirkBrowser/9.1';
  /** What must be found nowhere once the person is erased (searched case-insensitively). */
  const PERSONAL = ['Zoltan', 'Zoltán', 'Quirkenbacher', 'Quirkenbacher-Vale', 'zoltan.quirk', FIRST_EMAIL, EMAIL, IP, BROWSER, 'tell-no-one-answer'];
  const http = () => t.http();
  const asPerson = (auth?: string) => ({ 'X-Forwarded-For': IP, 'User-Agent': BROWSER, ...(auth ? { Authorization: auth } : {}) });

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'true', LOGIN_MAX_FAILURES_PER_IP: '1000', XAPI_READ_YOUR_WRITES: 'true', ...options.env() });
    root = await t.login();
    orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Forgetful Academy', timeZone: 'UTC' })).body.id;
    const adminId = (await http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'head@forgetful.test', firstName: 'Hedda', lastName: 'Admin', roles: ['admin'] })).body.id;
    expect((await http().post('/auth/setup').send({ token: await setupTokenFromLog(t, orgId, adminId), password: PASSWORD })).status).toBe(201);
    admin = await t.login('head@forgetful.test', PASSWORD);

    // Invited at a first address, corrected on a resend, set up and signed in from their own address and browser.
    personId = (await http().post(`/organizations/${orgId}/users`).set('Authorization', admin).send({ email: FIRST_EMAIL, firstName: 'Zoltan', lastName: 'Quirkenbacher', roles: ['member'] })).body.id;
    expect((await http().post(`/organizations/${orgId}/users/${personId}/invitation`).set('Authorization', admin).send({ email: EMAIL })).status).toBe(200);
    expect((await http().post('/auth/setup').set(asPerson()).send({ token: await setupTokenFromLog(t, orgId, personId), password: PASSWORD })).status).toBe(201);
    let person = `Bearer ${(await http().post('/auth/login').set(asPerson()).send({ email: EMAIL, password: PASSWORD })).body.accessToken}`;
    expect((await http().post('/auth/password').set(asPerson(person)).send({ currentPassword: PASSWORD, newPassword: `${PASSWORD}-changed` })).status).toBe(200);
    person = `Bearer ${(await http().post('/auth/login').set(asPerson()).send({ email: EMAIL, password: `${PASSWORD}-changed` })).body.accessToken}`;
    // A wrong password, counted against their address and their email.
    expect((await http().post('/auth/login').set(asPerson()).send({ email: EMAIL, password: 'not their password' })).status).toBe(401);
    expect((await http().patch(`/organizations/${orgId}/users/${personId}`).set('Authorization', admin).send({ firstName: 'Zoltán', lastName: 'Quirkenbacher-Vale' })).status).toBe(200);
    // A member file that names them, uploaded for an import (its dry run keeps the file and the plan).
    const csv = `E-Mail;First Name;Last Name;Roles\n${EMAIL};Zoltán;Quirkenbacher-Vale;member\nother.person@erasure-test.example;Otto;Other;member\n`;
    const upload = await http().post(`/organizations/${orgId}/imports`).query({ fileName: 'roster.csv' }).set({ Authorization: admin, 'Content-Type': 'text/csv' }).send(Buffer.from(csv));
    expect(upload.status).toBe(201);
    importId = upload.body.id;
    // A request from outside the organization's ranges is refused and recorded with its address.
    expect((await http().put(`/organizations/${orgId}/ip-restrictions`).set({ Authorization: admin, 'X-Forwarded-For': '198.51.100.1' }).send({ ranges: ['198.51.100.0/24'] })).status).toBe(200);
    expect((await http().get('/auth/me').set(asPerson(person))).body.code).toBe('ip-not-allowed');
    expect((await http().put(`/organizations/${orgId}/ip-restrictions`).set({ Authorization: admin, 'X-Forwarded-For': '198.51.100.1' }).send({ ranges: [] })).status).toBe(200);
    // Learning records that name them.
    const credential = (await http().post(`/organizations/${orgId}/xapi/credentials`).set('Authorization', admin).send({ name: 'Player' })).body;
    const stored = await http()
      .post('/xapi/statements')
      .set({ Authorization: `Basic ${Buffer.from(`${credential.key}:${credential.secret}`).toString('base64')}`, 'X-Experience-API-Version': '1.0.3' })
      .send([
        {
          actor: { objectType: 'Agent', name: 'Zoltan Quirkenbacher', mbox: `mailto:${EMAIL}` },
          verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
          object: { id: 'https://forgetful.test/quiz/1' },
          result: { response: 'tell-no-one-answer', success: true },
          timestamp: '2026-11-30T09:00:00Z',
        },
      ]);
    expect(stored.status).toBe(200);
    // Their own export, recorded as data accessed, naming them.
    expect((await http().get(`/organizations/${orgId}/users/${personId}/personal-data`).query({ format: 'json' }).set(asPerson(person))).status).toBe(200);
    // The setup mails are out (the outbox keeps copies).
    await t.infra.mailReactor!.reached(await t.infra.eventStore.headPosition());
  }, 90_000);
  afterAll(async () => {
    await t?.close();
  });

  describe(`Erasure by crypto-shredding: ${options.name}`, () => {
    test('before the erasure the person is in the data directory (the search finds what is there), but never in clear in the event log', async () => {
      const found = await options.search(t, PERSONAL);
      options.clearBefore(found);
      // The log and the audit log hold their values sealed from the start.
      for (const place of options.neverClear) expect([place, found[place]]).toEqual([place, undefined]);
    });

    test('only a deactivated member is erased; then nothing of them is left in any file, the chains verify, and every view says "erased" with their id', async () => {
      const early = await http().post(`/organizations/${orgId}/users/${personId}/erase`).set('Authorization', admin);
      expect([early.status, early.body.code]).toEqual([409, 'user-not-deactivated']);
      expect((await http().post(`/organizations/${orgId}/users/${personId}/deactivate`).set('Authorization', admin).send({})).status).toBe(200);
      const erased = await http().post(`/organizations/${orgId}/users/${personId}/erase`).set('Authorization', admin);
      expect([erased.status, erased.body]).toEqual([200, { id: personId, revision: expect.any(Number), position: expect.any(Number), erased: true }]);

      // The member, the list, the list as it was before the erasure, and the export.
      const erasedEmail = `erased-${personId}@erased.invalid`;
      expect((await http().get(`/organizations/${orgId}/users/${personId}`).set('Authorization', admin)).body).toMatchObject({ id: personId, email: erasedEmail, firstName: 'erased', lastName: 'erased', status: 'deactivated' });
      const asOf = await http().get(`/organizations/${orgId}/users`).query({ asOf: new Date(Date.now() - 1000).toISOString(), status: 'deactivated' }).set('Authorization', admin);
      expect(asOf.status).toBe(200);
      expect(JSON.stringify(asOf.body)).not.toMatch(/Quirkenbacher|zoltan/i);
      const exported = await http().get(`/organizations/${orgId}/users/${personId}/personal-data`).query({ format: 'json' }).set('Authorization', admin);
      expect(exported.body.person).toEqual({ id: personId, email: erasedEmail, firstName: 'erased', lastName: 'erased' });
      expect(JSON.stringify(exported.body)).not.toMatch(/Quirkenbacher|zoltan|203\.0\.113\.77|QuirkBrowser|tell-no-one/i);
      expect(exported.body.learningRecords).toHaveLength(1);
      // The audit trail: every entry stays, about and by the id; the erasure itself names no one.
      const audit = await http().get(`/organizations/${orgId}/audit`).query({ pageSize: 100 }).set('Authorization', admin);
      expect(JSON.stringify(audit.body)).not.toMatch(/Quirkenbacher|zoltan|203\.0\.113\.77|QuirkBrowser/i);
      const erasure = audit.body.items.find((e: { type: string }) => e.type === 'UserErased');
      expect(erasure).toMatchObject({ target: { kind: 'user', id: personId }, summary: `Erased the personal data of user ${personId}` });
      expect(audit.body.items.filter((e: { target: { id: string } }) => e.target.id === personId).map((e: { type: string }) => e.type)).toEqual(
        expect.arrayContaining(['UserInvited', 'UserInvitationResent', 'UserSetupCompleted', 'UserEdited', 'UserDeactivated', 'UserErased']),
      );
      // The import that named them lost its file and plan; its page says so.
      const plan = await http().get(`/organizations/${orgId}/imports/${importId}/rows`).set('Authorization', admin);
      expect([plan.status, plan.body.code]).toEqual([410, 'import-files-erased']);
      // The log is as it was: every chain verifies.
      const verified = await http().get('/audit/verify').query({ organizationId: orgId }).set('Authorization', root);
      expect([verified.status, verified.body.intact]).toEqual([200, true]);

      // No place holds any of it, while the service runs...
      expect(await options.search(t, PERSONAL)).toEqual({});
      // ...nor once it has stopped (its last checkpoints written).
      await t.close({ keepData: true });
      expect(await options.search(t, PERSONAL)).toEqual({});
    });
  });
}
