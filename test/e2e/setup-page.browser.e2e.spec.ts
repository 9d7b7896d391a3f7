import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { setupLinkIn, startSmtpServer } from '../support/smtp.js';
import { freePort } from '../support/net.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Debian's chromium (.ci/run); on a machine without it the test says so and skips.
const haveBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let t: TestApp;
let browser: Browser;
let base: string;

(haveBrowser ? describe : describe.skip)('The setup page in a real browser (Debian chromium via playwright-core)', () => {
  beforeAll(async () => {
    smtp = await startSmtpServer();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: base });
    await t.app.listen(port, '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  test('an invited user opens the link from the mail, types a password, submits, and can then sign in', async () => {
    const root = await t.login();
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Browser Academy', timeZone: 'Europe/Paris' })).body.id;
    const email = 'browser.user@school.test';
    expect((await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email, firstName: 'Brow', lastName: 'Ser', roles: ['admin'] })).status).toBe(201);
    const { link } = setupLinkIn(await smtp.waitFor(email));
    expect(link.startsWith(`${base}/setup?token=`)).toBe(true);

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(link);
    await expect(page.locator('h1').textContent()).resolves.toContain('Browser Academy');
    // The fields are reachable by their visible labels.
    await page.getByLabel('New password').fill('correct horse battery staple');
    await page.getByLabel('Repeat the password').fill('correct horse battery staple');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Set password' }).click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Your account is ready');
    await context.close();

    const login = await t.http().post('/auth/login').send({ email, password: 'correct horse battery staple' });
    expect(login.status).toBe(200);

    // Opening the same link again shows, in plain words, that it was used.
    const again = await browser.newPage();
    const response = await again.goto(link);
    expect(response?.status()).toBe(404);
    await expect(again.getByRole('alert').textContent()).resolves.toContain('already used');
    await again.close();
  }, 60_000);

  test('mismatched passwords are shown on the page and nothing is changed', async () => {
    const root = await t.login();
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Mismatch Academy', timeZone: 'UTC' })).body.id;
    const email = 'mismatch@school.test';
    await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email, firstName: 'Mis', lastName: 'Match', roles: ['admin'] });
    const { link } = setupLinkIn(await smtp.waitFor(email));
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(link);
    await page.getByLabel('New password').fill('first long password');
    await page.getByLabel('Repeat the password').fill('second long password');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Set password' }).click()]);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not the same');
    await context.close();
    expect((await t.http().post('/auth/login').send({ email, password: 'first long password' })).status).toBe(401);
  }, 60_000);
});
