import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { IMAGES, startTestApp, type TestApp } from '../support/test-app.js';
import { setupLinkIn, startSmtpServer } from '../support/smtp.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'http://school.test' });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const password = (who: string) => `${who}-has-a-long-password`;

/** Follows the link of the latest mail to `email` through the setup page and its form, as a browser would. */
async function completeSetupFromMail(email: string, options: { skip?: number; via?: 'form' | 'json' } = {}) {
  const mail = await smtp.waitFor(email, { skip: options.skip });
  const { link, token } = setupLinkIn(mail);
  expect(link.startsWith('http://school.test/setup?token=')).toBe(true);
  const pagePath = new URL(link).pathname + new URL(link).search;
  const page = await t.http().get(pagePath);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  if (options.via === 'json') {
    const done = await t.http().post('/auth/setup').send({ token, password: password(email) });
    expect(done.status).toBe(201);
  } else {
    const done = await t.http().post('/auth/setup').type('form').send({ token, password: password(email), passwordConfirmation: password(email) });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your account is ready');
  }
  return { mail, page };
}

describe('Summary: Organization Admin Workflow, steps 1 to 7', () => {
  test('a super admin creates an organization; its admin, then its instructors, set up and work; an instructor is deactivated and reactivated', async () => {
    // 1. Super admin creates the organization.
    const superAdmin = await t.login();
    const org = await t.http().post('/organizations').set('Authorization', superAdmin).send({ name: 'Ojibwe Institute', timeZone: 'UTC' });
    expect(org.status).toBe(201);
    const orgId = org.body.id as string;

    // 2. The admin is invited as the first user, receives the setup mail and sets a password.
    const invitedAdmin = await t.http().post(`/organizations/${orgId}/users`).set('Authorization', superAdmin)
      .send({ email: 'Principal@School.test', firstName: 'Nokomis', lastName: 'Bineshi', roles: ['admin'] });
    expect(invitedAdmin.status).toBe(201);
    const pending = await t.http().get(`/organizations/${orgId}/users`).set('Authorization', superAdmin);
    expect(pending.body.items).toEqual([{ id: invitedAdmin.body.id, email: 'Principal@School.test', firstName: 'Nokomis', lastName: 'Bineshi', roles: ['admin'], status: 'setupPending', teamIds: [] }]);
    // A pending user cannot sign in yet.
    expect((await t.http().post('/auth/login').send({ email: 'principal@school.test', password: password('principal@school.test') })).status).toBe(401);

    const { mail, page } = await completeSetupFromMail('principal@school.test');
    expect(mail.subject).toBe('Welcome to Ojibwe Institute: set up your account');
    expect(mail.text).toContain('Hello Nokomis');
    expect(mail.text).toContain('choose a password');
    expect(page.text).toContain('Ojibwe Institute');
    const admin = await t.login('principal@school.test', password('principal@school.test'));
    const me = await t.http().get('/auth/me').set('Authorization', admin);
    expect(me.body).toMatchObject({ isSuperAdmin: false, organizationId: orgId, roles: ['admin'] });

    // 3. The admin sets up the organization's name, time zone and logo.
    expect((await t.http().patch(`/organizations/${orgId}`).set('Authorization', admin).send({ name: 'Waadookodaading Ojibwe Language Institute', timeZone: 'America/Chicago' })).status).toBe(200);
    expect((await t.http().put(`/organizations/${orgId}/logo`).set('Authorization', admin).set('Content-Type', 'image/png').send(IMAGES.png)).status).toBe(200);

    // 4. The admin invites instructors; 5. they set passwords and sign in.
    for (const [email, firstName] of [['maang@school.test', 'Maang'], ['waabooz@school.test', 'Waabooz']]) {
      const invited = await t.http().post(`/organizations/${orgId}/users`).set('Authorization', admin).send({ email, firstName, lastName: 'Teacher', roles: ['instructor'] });
      expect(invited.status).toBe(201);
    }
    const { page: brandedPage } = await completeSetupFromMail('maang@school.test');
    // The setup page carries the organization's new name and its logo.
    expect(brandedPage.text).toContain('Waadookodaading Ojibwe Language Institute');
    expect(brandedPage.text).toMatch(/<img class="logo" src="\/logos\/[0-9a-f]{64}\.png"/);
    await completeSetupFromMail('waabooz@school.test', { via: 'json' });
    const maang = await t.login('maang@school.test', password('maang@school.test'));
    const waabooz = await t.login('waabooz@school.test', password('waabooz@school.test'));
    const users = await t.http().get(`/organizations/${orgId}/users`).set('Authorization', admin);
    const idOf = (email: string) => users.body.items.find((u: { email: string }) => u.email === email).id as string;
    expect(users.body.items.map((u: { status: string }) => u.status)).toEqual(['active', 'active', 'active']);

    // 6. Instructors create classes and teach; each sees only their own.
    const algebra = await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', maang).send({ name: 'Algebra', instructorId: idOf('maang@school.test') });
    expect(algebra.status).toBe(201);
    const biology = await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', waabooz).send({ name: 'Biology', instructorId: idOf('waabooz@school.test') });
    expect(biology.status).toBe(201);
    expect((await t.http().get(`/organizations/${orgId}/classes`).set('Authorization', maang)).body.items.map((c: { name: string }) => c.name)).toEqual(['Algebra']);
    expect((await t.http().get(`/organizations/${orgId}/classes`).set('Authorization', admin)).body.total).toBe(2);
    expect((await t.http().get(`/organizations/${orgId}`).set('Authorization', admin)).body).toMatchObject({ userCount: 3, classCount: 2 });

    // 7. The admin deactivates an instructor, moving the classes, then reactivates them.
    const candidates = await t.http().get(`/organizations/${orgId}/users/${idOf('maang@school.test')}/reassignment-candidates`).set('Authorization', admin);
    expect(candidates.body.items.map((u: { email: string }) => u.email)).toEqual(['waabooz@school.test']);
    const withoutTarget = await t.http().post(`/organizations/${orgId}/users/${idOf('maang@school.test')}/deactivate`).set('Authorization', admin).send({});
    expect(withoutTarget.status).toBe(409);
    expect(withoutTarget.body).toMatchObject({ code: 'reassignment-required', classes: [{ id: algebra.body.id, name: 'Algebra' }] });
    const deactivated = await t.http().post(`/organizations/${orgId}/users/${idOf('maang@school.test')}/deactivate`).set('Authorization', admin)
      .send({ reassignTo: idOf('waabooz@school.test') });
    expect(deactivated.status).toBe(200);
    // Signed out at once, and unable to sign in.
    expect((await t.http().get(`/organizations/${orgId}/classes`).set('Authorization', maang)).status).toBe(401);
    expect((await t.http().post('/auth/login').send({ email: 'maang@school.test', password: password('maang@school.test') })).status).toBe(401);
    expect((await t.http().get(`/organizations/${orgId}/classes`).set('Authorization', waabooz)).body.items.map((c: { name: string }) => c.name)).toEqual(['Algebra', 'Biology']);
    // Hidden from the list unless asked for.
    expect((await t.http().get(`/organizations/${orgId}/users`).set('Authorization', admin)).body.total).toBe(2);
    const all = await t.http().get(`/organizations/${orgId}/users`).query({ showDeactivated: true }).set('Authorization', admin);
    expect(all.body.items.find((u: { email: string }) => u.email === 'maang@school.test').status).toBe('deactivated');

    const reactivated = await t.http().post(`/organizations/${orgId}/users/${idOf('maang@school.test')}/reactivate`).set('Authorization', admin);
    expect(reactivated.status).toBe(200);
    const maangAgain = await t.login('maang@school.test', password('maang@school.test'));
    // Their old classes stay with the instructor who took them over.
    expect((await t.http().get(`/organizations/${orgId}/classes`).set('Authorization', maangAgain)).body.items).toEqual([]);
  });
});
