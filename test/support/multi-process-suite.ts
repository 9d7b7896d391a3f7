import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { freePort } from './net.js';
import { signInAtProvider, startOidcProvider } from './oidc-provider.js';
import { API_MAIN, PROJECTOR_MAIN, request, startProcess, type ApiAnswer, type ServiceProcess } from './processes.js';
import { setupLinkIn, startSmtpServer } from './smtp.js';
import { pkce } from './sso-client.js';

/** Where the processes keep their state: one data directory, or EventStoreDB and MongoDB. */
export interface Stack {
  name: string;
  /** The environment every process of the suite gets for its stores. */
  env(): Record<string, string>;
  /**
   * Once the stores have followed the log to `position`: expects the read models and the
   * audit log to equal a build from the log alone. Returns how many documents it compared.
   */
  expectEqualRebuild(position: number): Promise<number>;
  cleanup(): Promise<void>;
}

/**
 * The production shape as separate OS processes: two command-API processes started
 * with RUN_PROJECTOR=false and two projector processes (one holds the processors'
 * lease, the other stands by), as a platform team would run them behind a reverse
 * proxy. Everything a replica keeps must be shared through the stores, never in one
 * process's memory. Runs on the embedded files (`npm test`) and, given the servers, on
 * EventStoreDB and MongoDB (`npm run test:integration`), whose logs outlive a run: every
 * address carries the run's id.
 */
export function multiProcessSuite(stack: Stack): void {
  const RUN = randomBytes(4).toString('hex');
  const mail = (name: string) => `${name}.${RUN}@multi.test`;
  const ada = `ada.${RUN}@school.test`;
  const ROOT = { email: 'root@multi.test', password: 'root-password-multi-1' };
  const PASSWORD = 'member-password-multi-1';
  const PUBLIC_URL = 'http://sp.test';
  const RETURN_TO = 'http://ui.test/sso/done';

  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let api1: ServiceProcess;
  let api2: ServiceProcess;
  const projectors: ServiceProcess[] = [];
  const started: ServiceProcess[] = [];
  let root: string;
  let orgId: string;

  const env = (extra: Record<string, string>) => ({
    ...stack.env(),
    PUBLIC_URL,
    SMTP_URL: smtp.url,
    SUPERADMIN_EMAIL: ROOT.email,
    SUPERADMIN_PASSWORD: ROOT.password,
    SSO_RETURN_TO_ALLOWLIST: 'http://ui.test/sso',
    ...extra,
  });

  async function startApi(): Promise<ServiceProcess> {
    const port = await freePort();
    const api = await startProcess(API_MAIN, port, env({ PORT: String(port), RUN_PROJECTOR: 'false' }));
    started.push(api);
    return api;
  }

  async function startProjector(): Promise<ServiceProcess> {
    const port = await freePort();
    const projector = await startProcess(PROJECTOR_MAIN, port, env({ PROJECTOR_PORT: String(port) }), { healthPath: '/' });
    started.push(projector);
    projectors.push(projector);
    return projector;
  }

  const role = async (projector: ServiceProcess): Promise<string> => (await request(projector.url, 'GET', '/')).body.role;

  async function login(api: ServiceProcess, email: string, password: string): Promise<ApiAnswer> {
    return request(api.url, 'POST', '/auth/login', { body: { email, password } });
  }

  /** Waits until `check` holds, at most `timeoutMs`. */
  async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Invites a member through `via` and sets them up, with the link from the mail the projector process sent, on the other API. */
  async function inviteAndSetUp(via: ServiceProcess, other: ServiceProcess, email: string, roles: string[]): Promise<string> {
    const invited = await request(via.url, 'POST', `/organizations/${orgId}/users`, { token: root, body: { email, firstName: 'Multi', lastName: 'Process', roles } });
    expect(invited.status).toBe(201);
    const { token } = setupLinkIn(await smtp.waitFor(email, { timeoutMs: 15_000 }));
    const setup = await request(other.url, 'POST', '/auth/setup', { body: { token, password: PASSWORD } });
    expect(setup.status).toBe(201);
    return invited.body.id as string;
  }

  /** Whether some request to one API was in flight while one to the other was: that the racers raced. */
  function interleaved(spans: { api: number; start: number; end: number }[]): boolean {
    return spans.some((a) => a.api === 1 && spans.some((b) => b.api === 2 && b.start < a.end && a.start < b.end));
  }

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // All four start at once on an empty data directory: one key file, one super admin,
    // one lease holder must come out of it.
    // allSettled, not all: when one fails, the others are still starting, and each must
    // be in `started` before afterAll runs or it outlives the run (and Jest waits on it).
    const starts = await Promise.allSettled([startApi(), startApi(), startProjector(), startProjector()]);
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    [api1, api2] = starts.map((s) => (s as PromiseFulfilledResult<ServiceProcess>).value);
    const signedIn = await login(api1, ROOT.email, ROOT.password);
    expect(signedIn.status).toBe(200);
    root = signedIn.body.accessToken;
    const created = await request(api2.url, 'POST', '/organizations', { token: root, body: { name: 'Two Replicas School', timeZone: 'UTC' } });
    expect(created.status).toBe(201);
    orgId = created.body.id;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(started.map((p) => p.kill()));
    await smtp?.close();
    await stack.cleanup();
  });

  describe(`Two API processes and two projector processes, ${stack.name}`, () => {
    test('the processes started together: exactly one projector holds the processors lease, the other stands by', async () => {
      expect(existsSync(API_MAIN) && existsSync(PROJECTOR_MAIN)).toBe(true); // `npm test` builds first
      expect((await Promise.all(projectors.map(role))).sort()).toEqual(['holder', 'standby']);
      for (const api of [api1, api2]) expect((await request(api.url, 'GET', '/health')).body.details.projector).toMatchObject({ status: 'up', role: 'elsewhere', inProcess: false });
    });

    test('read your writes: a command on API 1, then a query with its position on API 2, sees it', async () => {
      const renamed = await request(api1.url, 'PATCH', `/organizations/${orgId}`, { token: root, body: { description: 'Written on API 1' } });
      expect(renamed.status).toBe(200);
      const seen = await request(api2.url, 'GET', `/organizations/${orgId}?minPosition=${renamed.body.position}`, { token: root });
      expect(seen.status).toBe(200);
      expect(seen.body.description).toBe('Written on API 1');
    });

    test('commands sent alternately to both APIs on one organization: every one lands, none is lost', async () => {
      const before = (await request(api1.url, 'GET', `/organizations/${orgId}`, { token: root })).body.revision as number;
      const spans: { api: number; start: number; end: number }[] = [];
      const answers = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const api = i % 2 === 0 ? api1 : api2;
          const start = performance.now();
          const answer = await request(api.url, 'PATCH', `/organizations/${orgId}`, { token: root, body: { description: `Edit ${i}` } });
          spans.push({ api: i % 2 === 0 ? 1 : 2, start, end: performance.now() });
          return answer;
        }),
      );
      expect(interleaved(spans)).toBe(true);
      expect(answers.map((a) => (a.status === 200 ? 200 : `${a.status} ${JSON.stringify(a.body)}`))).toEqual(Array(40).fill(200));
      const last = Math.max(...answers.map((a) => a.body.position as number));
      const after = await request(api2.url, 'GET', `/organizations/${orgId}?minPosition=${last}`, { token: root });
      // Each edit is one event on the organization's stream: 40 more revisions, not fewer.
      expect(after.body.revision).toBe(before + 40);
      expect(new Set(answers.map((a) => a.body.revision)).size).toBe(40);
    });

    test('100 edits racing with the same If-Match on both APIs: exactly one wins, the others get 412', async () => {
      const current = await request(api1.url, 'GET', `/organizations/${orgId}`, { token: root });
      const etag = current.headers.get('etag')!;
      expect(etag).toBeTruthy();
      const spans: { api: number; start: number; end: number }[] = [];
      const answers = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const start = performance.now();
          const answer = await request((i % 2 === 0 ? api1 : api2).url, 'PATCH', `/organizations/${orgId}`, { token: root, body: { description: `Race ${i}` }, headers: { 'if-match': etag } });
          spans.push({ api: i % 2 === 0 ? 1 : 2, start, end: performance.now() });
          return answer;
        }),
      );
      expect(interleaved(spans)).toBe(true);
      expect(answers.filter((a) => a.status !== 200 && a.status !== 412).map((a) => a.body)).toEqual([]);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 412)).toHaveLength(99);
      expect(new Set(answers.filter((a) => a.status === 412).map((a) => a.body.code))).toEqual(new Set(['stale-revision']));
    });

    test('a session started on one API is refused on the other right after a deactivation, or arrears, on either', async () => {
      const leaving = await inviteAndSetUp(api1, api2, mail('leaving'), ['instructor']);
      const session = (await login(api1, mail('leaving'), PASSWORD)).body.accessToken as string;
      const me = await request(api2.url, 'GET', '/auth/me', { token: session });
      expect({ status: me.status, body: me.body }).toEqual({ status: 200, body: expect.objectContaining({ id: leaving }) });
      expect((await request(api1.url, 'POST', `/organizations/${orgId}/users/${leaving}/deactivate`, { token: root, body: {} })).status).toBe(200);
      const refused = await request(api2.url, 'GET', '/auth/me', { token: session });
      expect({ status: refused.status, code: refused.body.code, detail: refused.body.detail }).toEqual({
        status: 401,
        code: 'account-deactivated',
        detail: 'Your account has been deactivated. Please contact an administrator of your organization.',
      });

      const other = await request(api2.url, 'POST', '/organizations', { token: root, body: { name: 'Arrears Academy', timeZone: 'UTC' } });
      const member = await request(api2.url, 'POST', `/organizations/${other.body.id}/users`, { token: root, body: { email: mail('payer'), firstName: 'Pay', lastName: 'Er', roles: ['instructor'] } });
      expect(member.status).toBe(201);
      const { token } = setupLinkIn(await smtp.waitFor(mail('payer')));
      expect((await request(api1.url, 'POST', '/auth/setup', { body: { token, password: PASSWORD } })).status).toBe(201);
      const payer = (await login(api2, mail('payer'), PASSWORD)).body.accessToken as string;
      expect((await request(api1.url, 'GET', '/auth/me', { token: payer })).status).toBe(200);
      expect((await request(api2.url, 'POST', `/organizations/${other.body.id}/arrears`, { token: root })).status).toBe(200);
      const suspended = await request(api1.url, 'GET', '/auth/me', { token: payer });
      expect({ status: suspended.status, code: suspended.body.code }).toEqual({ status: 401, code: 'organization-suspended' });
    });

    test('the login throttle counts failed attempts made on both APIs together', async () => {
      await inviteAndSetUp(api2, api1, mail('guessed'), ['instructor']);
      // Five failures (LOGIN_MAX_FAILURES_PER_ACCOUNT's default), alternating between the APIs.
      for (let i = 0; i < 5; i++) expect((await login(i % 2 === 0 ? api1 : api2, mail('guessed'), `wrong-password-${i}`)).status).toBe(401);
      // Neither API alone has seen five; together they have, and the right password waits too.
      for (const api of [api1, api2]) {
        const throttled = await login(api, mail('guessed'), PASSWORD);
        expect(throttled.status).toBe(429);
        expect(throttled.body.code).toBe('too-many-attempts');
      }
    });

    test('an SSO sign-in started on API 1 returns to API 2, and its one-time code is exchanged on API 1', async () => {
      const adaId = await inviteAndSetUp(api1, api2, ada, ['instructor']);
      const providerPort = await freePort();
      const created = await request(api1.url, 'POST', '/sso/providers', {
        token: root,
        body: { organizationId: orgId, protocol: 'oidc', displayName: 'School Accounts', issuer: `http://127.0.0.1:${providerPort}`, clientId: 'multi-lms', clientSecret: 'oidc-client-secret-multi-9f3', scopes: 'openid\nemail', allowedDomains: 'school.test', autoLinkVerifiedEmail: true },
      });
      expect(created.status).toBe(201);
      const providerId = created.body.id as string;
      const op = await startOidcProvider({ port: providerPort, clientId: 'multi-lms', clientSecret: 'oidc-client-secret-multi-9f3', redirectUris: [`${PUBLIC_URL}/auth/sso/${providerId}/callback`], accounts: { 'ada-sub': { email: ada, email_verified: true } } });
      try {
        const { verifier, challenge } = pkce();
        // The provider was just created: its read model may not have it yet on this
        // process (the projector runs in another), so the sign-in names the position.
        const started = await request(api1.url, 'GET', `/auth/sso/${providerId}/login?returnTo=${encodeURIComponent(RETURN_TO)}&codeChallenge=${challenge}&minPosition=${created.body.position}`);
        expect(started.status).toBe(302);
        // To the provider (an error would come back to the UI, without the binding cookie).
        expect(`${started.headers.get('location')}`.startsWith(op.issuer) ? 'to the provider' : started.headers.get('location')).toBe('to the provider');
        const cookie = started.headers.getSetCookie().find((c) => c.startsWith('__Host-sso-binding='))!.split(';')[0];
        const callback = await signInAtProvider(op.issuer, started.headers.get('location')!, 'ada-sub');
        // The provider sends the browser back through the proxy: this time to the other API.
        const back = await request(api2.url, 'GET', `${callback.pathname}${callback.search}`, { headers: { cookie } });
        expect(back.status).toBe(302);
        const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
        expect(code).toBeTruthy();
        const session = await request(api1.url, 'POST', '/auth/sso/exchange', { body: { code, codeVerifier: verifier } });
        expect(session.status).toBe(200);
        expect((await request(api2.url, 'GET', '/auth/me', { token: session.body.accessToken })).body.id).toBe(adaId);
        // Once only, on either API.
        expect((await request(api2.url, 'POST', '/auth/sso/exchange', { body: { code, codeVerifier: verifier } })).body.code).toBe('sso-code-invalid');
      } finally {
        await op.close();
      }
    });

    test('kill -9 of the projector mid-stream, twice: the standby takes over, nothing is lost or projected twice, each invitation is mailed', async () => {
      const holder = async () => {
        for (const projector of projectors) if (projector.child.exitCode === null && projector.child.signalCode === null && (await role(projector).catch(() => null)) === 'holder') return projector;
        return null;
      };
      const invited: { email: string; position: number }[] = [];
      let inviting = true;
      // Invitations keep arriving on both APIs while the projectors are killed.
      const stream = (async () => {
        for (let i = 0; inviting || i < 30; i++) {
          const email = `stream-${RUN}-${i}@multi.test`;
          const answer = await request((i % 2 === 0 ? api1 : api2).url, 'POST', `/organizations/${orgId}/users`, { token: root, body: { email, firstName: 'Stream', lastName: `${i}`, roles: ['instructor'] } });
          expect({ status: answer.status, body: answer.status === 201 ? null : answer.body }).toEqual({ status: 201, body: null });
          invited.push({ email, position: answer.body.position });
        }
      })();
      let kills = 0;
      for (let round = 0; round < 2; round++) {
        await eventually(async () => invited.length >= 10 * (round + 1));
        const current = await holder();
        expect(current).not.toBeNull();
        await current!.kill();
        kills++;
        // The standby takes over (at once: the holder was a process of this host that exited), and a new standby starts.
        await eventually(async () => (await holder()) !== null && (await holder()) !== current, 10_000);
        await startProjector();
      }
      inviting = false;
      await stream;
      expect(kills).toBe(2);

      // Every invitation is projected: each API sees the last one.
      const last = Math.max(...invited.map((i) => i.position));
      for (const api of [api1, api2]) {
        const page = await request(api.url, 'GET', `/organizations/${orgId}/users?search=stream-${RUN}&pageSize=100&minPosition=${last}`, { token: root });
        expect(page.status).toBe(200);
        expect(page.body.total).toBe(invited.length);
      }
      // Each invitation is mailed. A kill between the SMTP server's acceptance and the
      // reactor's record of it can send one twice (no protocol can tell "accepted" from
      // "lost" across a crash); it would carry the same Message-ID, and at most one per kill.
      await eventually(async () => invited.every((i) => smtp.received.some((m) => m.to.includes(i.email))), 20_000);
      const mails = smtp.received.filter((m) => m.to[0].startsWith(`stream-${RUN}-`));
      for (const { email } of invited) expect(new Set(mails.filter((m) => m.to.includes(email)).map((m) => m.messageId)).size).toBe(1);
      expect(mails.length - invited.length).toBeLessThanOrEqual(kills);

      // Nothing projected twice: the read models and the audit log equal a build from the log alone.
      expect(await stack.expectEqualRebuild(last)).toBeGreaterThan(invited.length);
    }, 90_000);
  });
}
