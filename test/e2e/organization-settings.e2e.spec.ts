import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { inviteAndSetUp } from '../support/members.js';
import { setupLinkIn, startSmtpServer } from '../support/smtp.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Organization settings over HTTP (issue 17; multi-tenant guide, Organization Settings:
 * General, Branding, Features, Policies), with a real SMTP server for the invitation
 * template and the password policy's mail.
 */
let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let root: string;
let orgId: string;
let admin: string;
const PASSWORD = 'settings-password-1';

const http = () => t.http();
const settings = (auth = admin, id = orgId) => http().get(`/organizations/${id}/settings`).set('Authorization', auth);
const patch = (body: unknown, auth = admin, headers: Record<string, string> = {}) => http().patch(`/organizations/${orgId}/settings`).set('Authorization', auth).set(headers).send(body as object);
const fields = (response: { body: { errors?: { field: string }[] } }) => (response.body.errors ?? []).map((e) => e.field).sort();

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ SMTP_URL: smtp.url, LOGIN_MAX_FAILURES_PER_IP: '1000' });
  root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Settings Academy', timeZone: 'Europe/Madrid', slug: 'settings-academy' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@settings.test', roles: ['admin'] }, PASSWORD);
  admin = await t.login('admin@settings.test', PASSWORD);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('General settings', () => {
  test('an organization starts private, invite-only, without self-registration, features off; the ETag is the settings’ version', async () => {
    const response = await settings();
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe('"0"');
    expect(response.body).toMatchObject({
      visibility: 'private',
      membershipPolicy: 'invite-only',
      selfRegistration: 'disabled',
      branding: { primaryColor: null, accentColor: null, customCss: null, invitationTemplate: null },
      effectiveFeatures: { activityAuthoring: false, marketplace: false, aiFeatures: false, externalSharing: false, integrations: false },
      policies: { passwordMinLength: 12, retention: { accessRecordsDays: null, deactivatedMembersDays: null, learningRecordsDays: null }, privacy: { membersSeeOtherMembers: true } },
      sessionPolicy: { idleTimeoutMinutes: 60, absoluteTimeoutHours: 12 },
      warnings: [],
      revision: 0,
    });
  });

  test('a partial change keeps the rest, moves the settings’ ETag (not the organization’s), and is in the audit log with before and after', async () => {
    const profileEtag = (await http().get(`/organizations/${orgId}`).set('Authorization', admin)).headers.etag;
    const changed = await patch({ membershipPolicy: 'approval', policies: { retention: { accessRecordsDays: 365 } } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: orgId, revision: 1, warnings: [] });
    const after = await settings();
    expect(after.body).toMatchObject({ visibility: 'private', membershipPolicy: 'approval', policies: { retention: { accessRecordsDays: 365, deactivatedMembersDays: null } }, revision: 1 });
    expect((await http().get(`/organizations/${orgId}`).set('Authorization', admin)).headers.etag).toBe(profileEtag);
    const audit = await http().get(`/organizations/${orgId}/audit`).query({ type: 'OrganizationSettingsChanged' }).set('Authorization', admin);
    expect(audit.body.items[0].changes).toEqual([
      { field: 'membershipPolicy', before: 'invite-only', after: 'approval' },
      { field: 'policies.retention.accessRecordsDays', before: null, after: 365 },
    ]);
  });

  test('a stale If-Match is a 412 and changes nothing', async () => {
    const stale = await patch({ membershipPolicy: 'open' }, admin, { 'If-Match': '"0"' });
    expect(stale.status).toBe(412);
    expect((await settings()).body.membershipPolicy).toBe('approval');
  });

  test('every refused value is named by its path, in one answer', async () => {
    const refused = await patch({ branding: { primaryColor: 'teal', accentColor: '#12' }, policies: { passwordMinLength: 10, retention: { deactivatedMembersDays: 5000 } }, features: { teleport: true } });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation-failed');
    expect(fields(refused)).toEqual(['branding.accentColor', 'branding.primaryColor', 'features.teleport', 'policies.passwordMinLength', 'policies.retention.deactivatedMembersDays']);
    const unknownTop = await patch({ theme: 'dark' });
    expect(unknownTop.status).toBe(400);
    const badEnum = await patch({ visibility: 'secret' });
    expect(badEnum.body.errors).toEqual([{ field: 'visibility', message: 'visibility must be one of public, private, hidden' }]);
  });

  test('an instructor cannot read or change settings; another organization’s admin gets 404', async () => {
    await inviteAndSetUp(t, root, orgId, { email: 'teacher@settings.test', roles: ['instructor'] }, PASSWORD);
    const teacher = await t.login('teacher@settings.test', PASSWORD);
    expect((await settings(teacher)).status).toBe(403);
    expect((await patch({ visibility: 'public' }, teacher)).status).toBe(403);
    const other = (await http().post('/organizations').set('Authorization', root).send({ name: 'Other Settings School', timeZone: 'UTC' })).body.id;
    await inviteAndSetUp(t, root, other, { email: 'admin@other-settings.test', roles: ['admin'] }, PASSWORD);
    const otherAdmin = await t.login('admin@other-settings.test', PASSWORD);
    expect((await settings(otherAdmin)).status).toBe(404);
  });
});

describe('Visibility and the directory', () => {
  test('public organizations are listed for anyone; hidden ones are found by slug only; private ones by neither', async () => {
    const create = async (name: string, slug: string, visibility: string) => {
      const id = (await http().post('/organizations').set('Authorization', root).send({ name, timeZone: 'UTC', slug, profile: undefined, type: 'educational' })).body.id;
      expect((await http().patch(`/organizations/${id}/settings`).set('Authorization', root).send({ visibility })).status).toBe(200);
      return id;
    };
    await create('Directory Listed College', 'directory-listed', 'public');
    await create('Directory Hidden College', 'directory-hidden', 'hidden');
    await create('Directory Private College', 'directory-private', 'private');

    const listed = await http().get('/directory/organizations').query({ search: 'Directory' });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([{ slug: 'directory-listed', name: 'Directory Listed College', type: 'educational', logoUrl: null }]);
    expect(listed.body.total).toBe(1);

    expect((await http().get('/directory/organizations/directory-hidden')).body).toEqual({ slug: 'directory-hidden', name: 'Directory Hidden College', type: 'educational', logoUrl: null });
    expect((await http().get('/directory/organizations/directory-listed')).status).toBe(200);
    const hiddenPrivate = await http().get('/directory/organizations/directory-private');
    expect(hiddenPrivate.status).toBe(404);
    expect(hiddenPrivate.body.code).toBe('organization-not-found');
  });
});

describe('Features', () => {
  test('an admin turns on only what a super admin allowed (409 setting-not-allowed otherwise); /auth/me carries the effective features', async () => {
    const refused = await patch({ features: { aiFeatures: true } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('setting-not-allowed');
    expect(fields(refused)).toEqual(['features.aiFeatures']);
    // An admin cannot allow anything.
    expect((await patch({ allowances: { features: { aiFeatures: true } } })).status).toBe(403);

    expect((await patch({ allowances: { features: { aiFeatures: true, marketplace: true } } }, root)).status).toBe(200);
    expect((await patch({ features: { aiFeatures: true } })).status).toBe(200);
    const me = await http().get('/auth/me').set('Authorization', admin);
    expect(me.body.organization.features).toEqual({ activityAuthoring: false, marketplace: false, aiFeatures: true, externalSharing: false, integrations: false });

    // Withdrawn by the super admin: off at once, the admin's choice kept for when it is allowed again.
    expect((await patch({ allowances: { features: { aiFeatures: false } } }, root)).status).toBe(200);
    const view = (await settings()).body;
    expect([view.features.aiFeatures, view.effectiveFeatures.aiFeatures]).toEqual([true, false]);
    expect((await http().get('/auth/me').set('Authorization', admin)).body.organization.features.aiFeatures).toBe(false);
  });
});

describe('Branding', () => {
  test('colours are stored as #rrggbb; one white text is hard to read on is kept with a warning', async () => {
    const changed = await patch({ branding: { primaryColor: '#1A73E8', accentColor: '#FD0' } });
    expect(changed.status).toBe(200);
    // By hand (WCAG 2.x): G = 221/255 linearised is 0.7232, L = 0.2126 + 0.7152 × 0.7232 = 0.7298, 1.05 / 0.7798 = 1.35.
    expect(changed.body.warnings).toEqual([{ field: 'branding.accentColor', message: 'white text on #ffdd00 has a contrast of 1.35:1, below the 4.5:1 WCAG AA asks for' }]);
    const view = (await settings()).body;
    expect(view.branding).toMatchObject({ primaryColor: '#1a73e8', accentColor: '#ffdd00' });
    expect(view.warnings).toEqual(changed.body.warnings);
  });

  test('custom CSS only when a super admin enabled it; refused, with the line, when it imports, leaves the origin, or runs script', async () => {
    const notAllowed = await patch({ branding: { customCss: '.banner { color: #222 }' } });
    expect(notAllowed.status).toBe(409);
    expect(notAllowed.body.code).toBe('setting-not-allowed');
    expect((await patch({ allowances: { customCss: true } }, root)).status).toBe(200);

    const hostile = [
      '@import url("https://evil.example/x.css");',
      '.a { background: url(https://evil.example/track.png) }',
      '.b { background: url(//evil.example/x.png) }',
      '.c { width: expression(alert(1)) }',
      '.d { behavior: url(x.htc) }',
      '.e { background: url("javascript:alert(1)") }',
    ].join('\n');
    const refused = await patch({ branding: { customCss: hostile } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { message: string }) => e.message)).toEqual([
      'line 1: @import is not allowed: the CSS cannot load other style sheets',
      'line 1: url(https://evil.example/x.css) points to another origin; only paths on this service are allowed',
      'line 2: url(https://evil.example/track.png) points to another origin; only paths on this service are allowed',
      'line 3: url(//evil.example/x.png) points to another origin; only paths on this service are allowed',
      'line 4: expression() is not allowed: it runs script in old browsers',
      'line 5: behavior is not allowed: it loads code in some browsers',
      'line 6: url(javascript:alert(1)) points to another origin; only paths on this service are allowed',
    ]);
    const breakout = await patch({ branding: { customCss: '.x::after { content: "</style><script>alert(1)</script>" }' } });
    expect(breakout.status).toBe(400);

    const ok = await patch({ branding: { customCss: '.banner  {  color : #222 ;  background: url(/logos/a.png) }' } });
    expect(ok.status).toBe(200);
    const view = (await settings()).body;
    expect(view.branding.customCss).toBe('.banner{color:#222;background:url(/logos/a.png)}');
    expect(view.effectiveCustomCss).toBe(view.branding.customCss);
  });

  test('the invitation template: refused without {{setupLink}}; previewed for a sample person; used for invitations, the values escaped in HTML', async () => {
    const noLink = await patch({ branding: { invitationTemplate: { subject: 'Welcome', body: 'Hello {{firstName}}' } } });
    expect(noLink.status).toBe(400);
    expect(noLink.body.errors).toEqual([{ field: 'branding.invitationTemplate.body', message: 'body must contain {{setupLink}}: the invitation is useless without it' }]);

    const template = { subject: '{{firstName}}, welcome to {{organizationName}}', body: 'Hello {{firstName}},\n\nYour seat at {{organizationName}} is ready.\n\nStart here: {{setupLink}}' };
    expect((await patch({ branding: { invitationTemplate: template } })).status).toBe(200);

    const preview = await http().post(`/organizations/${orgId}/settings/invitation-template/preview`).set('Authorization', admin).send({});
    expect(preview.status).toBe(200);
    expect(preview.body.subject).toBe('Alex, welcome to Settings Academy');
    expect(preview.body.text).toMatch(/^Hello Alex,\n\nYour seat at Settings Academy is ready\.\n\nStart here: http:\/\/localhost:\d+\/setup\?token=preview-token\n\nYour password needs at least 12 characters\./);
    expect(preview.body.html).toContain('<a href="http://localhost');

    // A real invitation, to a person whose name looks like markup.
    const invited = await http().post(`/organizations/${orgId}/users`).set('Authorization', admin).send({ email: 'markup@settings.test', firstName: '<b>Bo</b>', lastName: 'Tag', roles: ['instructor'] });
    expect(invited.status).toBe(201);
    const mail = await smtp.waitFor('markup@settings.test');
    expect(mail.subject).toBe('<b>Bo</b>, welcome to Settings Academy');
    expect(mail.text.startsWith('Hello <b>Bo</b>,')).toBe(true);
    expect(mail.html).toContain('Hello &lt;b&gt;Bo&lt;/b&gt;,');
    expect(mail.html).not.toContain('<b>Bo</b>');
    expect(setupLinkIn(mail).token.length).toBeGreaterThan(20);
  });
});

describe('Policies', () => {
  test('privacy: members see their team-mates\' names and emails until the policy says members may not see one another', async () => {
    const team = (await http().post(`/organizations/${orgId}/teams`).set('Authorization', admin).send({ name: 'Reading Circle' })).body.id;
    const ids: string[] = [];
    for (const name of ['Ines', 'Jon', 'Kai'])
      ids.push(await inviteAndSetUp(t, admin, orgId, { email: `${name.toLowerCase()}@settings.test`, roles: ['member'], firstName: name, lastName: 'Reader' }, PASSWORD));
    // Ines and Jon are in the team; Kai is not.
    expect((await http().post(`/organizations/${orgId}/teams/${team}/members`).set('Authorization', admin).send({ userIds: ids.slice(0, 2) })).status).toBe(200);
    const ines = await t.login('ines@settings.test', PASSWORD);
    const kai = await t.login('kai@settings.test', PASSWORD);
    const roster = (auth: string) => http().get(`/organizations/${orgId}/teams/${team}/members`).set('Authorization', auth);

    const seen = await roster(ines);
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((m: { firstName: string; email: string }) => `${m.firstName} <${m.email}>`).sort()).toEqual(['Ines <ines@settings.test>', 'Jon <jon@settings.test>']);
    expect((await roster(kai)).body.code).toBe('forbidden');

    expect((await patch({ policies: { privacy: { membersSeeOtherMembers: false } } })).status).toBe(200);
    try {
      const hidden = await roster(ines);
      expect(hidden.status).toBe(403);
      expect(hidden.body.code).toBe('members-private');
      // Those who manage the team still see it.
      expect((await roster(admin)).body.total).toBe(2);
    } finally {
      await patch({ policies: { privacy: { membersSeeOtherMembers: true } } });
    }
  });

  test('a password minimum above the platform’s: the setup mail says it and setup enforces it', async () => {
    expect((await patch({ policies: { passwordMinLength: 16 } })).status).toBe(200);
    expect((await http().post(`/organizations/${orgId}/users`).set('Authorization', admin).send({ email: 'long@settings.test', firstName: 'Lou', lastName: 'Long', roles: ['instructor'] })).status).toBe(201);
    const mail = await smtp.waitFor('long@settings.test');
    expect(mail.text).toContain('Your password needs at least 16 characters.');
    const { token } = setupLinkIn(mail);
    // The setup page asks for what setup enforces.
    const page = await http().get('/setup').query({ token });
    expect(page.text).toContain('At least 16 characters;');
    expect(page.text).toContain('minlength="16"');
    const short = await http().post('/auth/setup').send({ token, password: 'fourteen-chars' });
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([{ field: 'password', message: 'password must be at least 16 characters, not counting spaces at either end' }]);
    expect((await http().post('/auth/setup').send({ token, password: 'sixteen-chars-ok' })).status).toBe(201);
  });
});
