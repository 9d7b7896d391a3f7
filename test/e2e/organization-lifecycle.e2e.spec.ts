import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Server } from 'node:http';
import { PurgeOrganizationsJob } from '../../apps/command-api/src/organizations/deleting-organization/purge-organizations.job.js';
import { ALL_PROJECTIONS, findBySlug } from '#read-models';
import { burst } from '../support/burst.js';
import { inviteAndSetUp } from '../support/members.js';
import { setupLinkIn, startSmtpServer } from '../support/smtp.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * An organization's life outside its members (issue 16; multi-tenant guide, Organization
 * Details and Member Roles): a slug unique platform-wide that redirects for 90 days
 * after a change, a first owner named by the super admin who creates it, and deletion:
 * suspended at once, restorable by a super admin for 30 days, then purged by the
 * scheduled job at midnight in the organization's time zone, freeing its members'
 * emails and its slug. Over HTTP, with a real SMTP server for the owner's setup mail.
 */
let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let root: string;
const PASSWORD = 'lifecycle-password-1';
const DAY = 86_400_000;

/** Appends to slug streams in flight at once, at most (the racers' evidence). */
let slugAppendsInFlight = 0;
let mostSlugAppendsInFlight = 0;
/**
 * While set, the next append to a slug stream that starts alone waits (up to 2 s) for
 * another one to start: requests that really race overlap there; requests handled one
 * after another never do, and the wait times out.
 */
let awaitCompany: (() => void) | null = null;
let gateOpen = false;

const http = () => t.http();
const createOrganization = (body: Record<string, unknown>, auth = root) => http().post('/organizations').set('Authorization', auth).send(body);
const bySlug = (slug: string, auth = root) => http().get(`/organizations/by-slug/${slug}`).set('Authorization', auth).redirects(0);

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ SMTP_URL: smtp.url, LOGIN_MAX_FAILURES_PER_IP: '1000' }, undefined, {
    // Counts appends to slug streams in flight, and can hold the first one (see awaitCompany).
    wrap: (stores) => {
      const store = stores.eventStore;
      const append = store.append.bind(store);
      store.append = async (streamName, events, options) => {
        if (!streamName.startsWith('slug-')) return append(streamName, events, options);
        mostSlugAppendsInFlight = Math.max(mostSlugAppendsInFlight, ++slugAppendsInFlight);
        try {
          if (gateOpen && slugAppendsInFlight === 1) {
            // Once: the first append of the burst waits for company.
            gateOpen = false;
            await new Promise<void>((resolve) => {
              awaitCompany = resolve;
              setTimeout(resolve, 2_000);
            });
          } else awaitCompany?.();
          return await append(streamName, events, options);
        } finally {
          slugAppendsInFlight--;
        }
      };
      return stores;
    },
  });
  root = await t.login();
}, 60_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('Slugs', () => {
  test('chosen at creation, unique platform-wide: a second organization asking for it gets 409 slug-taken and is not created', async () => {
    const first = await createOrganization({ name: 'Lakeshore School District', timeZone: 'America/Chicago', slug: 'lakeshore-sd' });
    expect(first.status).toBe(201);
    expect(first.body.slug).toBe('lakeshore-sd');
    const second = await createOrganization({ name: 'Another District', timeZone: 'UTC', slug: 'lakeshore-sd' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('slug-taken');
    expect(second.body.errors).toEqual([{ field: 'slug', message: 'slug is already in use; choose another' }]);
    const listed = await http().get('/organizations').query({ search: 'Another District' }).set('Authorization', root);
    expect(listed.body.total).toBe(0);
  });

  test('derived from the name when none is chosen, with a number when the name’s is taken', async () => {
    const a = await createOrganization({ name: 'Café Élan Montréal', timeZone: 'America/Toronto' });
    const b = await createOrganization({ name: 'Cafe Elan Montreal', timeZone: 'America/Toronto' });
    expect([a.body.slug, b.body.slug]).toEqual(['cafe-elan-montreal', 'cafe-elan-montreal-2']);
    const kanji = await createOrganization({ name: '東京日本語学校', timeZone: 'Asia/Tokyo' });
    expect(kanji.body.slug).toBe(`org-${(kanji.body.id as string).replace(/-/g, '').slice(0, 12)}`);
  });

  test('a malformed or reserved slug is a 400 naming the field, and reserves nothing', async () => {
    for (const slug of ['Lake Shore', '-lake', 'ab', 'admin']) {
      const response = await createOrganization({ name: 'Malformed Slug School', timeZone: 'UTC', slug });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation-failed');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['slug']);
    }
    // Nothing was reserved: the well-formed one of them is still free.
    expect((await createOrganization({ name: 'Lake Academy', timeZone: 'UTC', slug: 'lake' })).status).toBe(201);
  });

  test('ten creations asking for one slug at once: exactly one gets it; ten named alike at once all get different slugs', async () => {
    mostSlugAppendsInFlight = 0;
    gateOpen = true;
    const server = t.app.getHttpServer() as Server;
    const chosen = Array.from({ length: 10 }, (_, i) => ({ method: 'POST', path: '/organizations', headers: { Authorization: root }, body: { name: `Racing School ${i}`, timeZone: 'UTC', slug: 'racing' } }));
    const derived = Array.from({ length: 10 }, () => ({ method: 'POST', path: '/organizations', headers: { Authorization: root }, body: { name: 'Twin Academy', timeZone: 'UTC' } }));
    const answers = await burst(server, [...chosen, ...derived]).finally(() => {
      gateOpen = false;
      awaitCompany = null;
    });
    const forChosen = answers.slice(0, 10);
    expect(forChosen.filter((a) => a.status === 201)).toHaveLength(1);
    expect(forChosen.filter((a) => a.status === 409 && a.body.code === 'slug-taken')).toHaveLength(9);
    const forDerived = answers.slice(10);
    expect(forDerived.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(forDerived.map((a) => a.body.slug)).size).toBe(10);
    expect(forDerived.map((a) => a.body.slug)).toContain('twin-academy');
    // The racers raced: appends to two slugs' streams were in flight at the same time.
    expect(mostSlugAppendsInFlight).toBeGreaterThan(1);
  });

  test('a changed slug: the old one answers 308 to the new one for 90 days, and no other organization can take it', async () => {
    const created = await createOrganization({ name: 'Northwind Academy', timeZone: 'UTC', slug: 'northwind' });
    const orgId = created.body.id as string;
    const changed = await http().put(`/organizations/${orgId}/slug`).set('Authorization', root).send({ slug: 'northwind-academy' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: orgId, slug: 'northwind-academy' });

    const current = await bySlug('northwind-academy');
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ id: orgId, slug: 'northwind-academy', name: 'Northwind Academy' });
    const old = await bySlug('northwind');
    expect(old.status).toBe(308);
    expect(old.headers.location).toBe('/organizations/by-slug/northwind-academy');

    const thief = await createOrganization({ name: 'Northwind Traders', timeZone: 'UTC', slug: 'northwind' });
    expect(thief.status).toBe(409);
    expect(thief.body.code).toBe('slug-taken');
    // The organization itself may take its old slug back.
    expect((await http().put(`/organizations/${orgId}/slug`).set('Authorization', root).send({ slug: 'northwind' })).status).toBe(200);
    expect((await bySlug('northwind')).status).toBe(200);
    expect((await bySlug('northwind-academy')).status).toBe(308);
    // The redirect ends after its 90 days: then the old slug leads nowhere.
    expect(await findBySlug(t.infra.readStore, 'northwind-academy', Date.now() + 89 * DAY)).toEqual({ organizationId: orgId, current: false });
    expect(await findBySlug(t.infra.readStore, 'northwind-academy', Date.now() + 91 * DAY)).toBeNull();
    // The audit trail says what changed.
    const audit = await http().get(`/organizations/${orgId}/audit`).query({ type: 'OrganizationSlugChanged' }).set('Authorization', root);
    expect(audit.body.items.map((e: { changes: unknown }) => e.changes)).toEqual(
      expect.arrayContaining([[{ field: 'slug', before: 'northwind', after: 'northwind-academy' }], [{ field: 'slug', before: 'northwind-academy', after: 'northwind' }]]),
    );
  });

  test('a slug another organization holds is 409 on change; an unknown slug is 404; a member finds only their own organization', async () => {
    const mine = await createOrganization({ name: 'Maple Grove School', timeZone: 'UTC', slug: 'maple-grove' });
    await createOrganization({ name: 'Oak Ridge School', timeZone: 'UTC', slug: 'oak-ridge' });
    const refused = await http().put(`/organizations/${mine.body.id}/slug`).set('Authorization', root).send({ slug: 'oak-ridge' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('slug-taken');
    expect((await bySlug('no-such-slug')).status).toBe(404);

    await inviteAndSetUp(t, root, mine.body.id, { email: 'teacher@maple.test', roles: ['instructor'] }, PASSWORD);
    const teacher = await t.login('teacher@maple.test', PASSWORD);
    expect((await bySlug('maple-grove', teacher)).body.id).toBe(mine.body.id);
    const elsewhere = await bySlug('oak-ridge', teacher);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.code).toBe('organization-not-found');
  });
});

describe('The first owner', () => {
  test('a super admin who names an owner at creation: they are invited as owner and admin, get the setup mail, and own the organization', async () => {
    const created = await createOrganization({ name: 'Birch Institute', timeZone: 'Europe/Oslo', owner: { email: 'Olga@Birch.test', firstName: 'Olga', lastName: 'Berg' } });
    expect(created.status).toBe(201);
    const { id: orgId, ownerId } = created.body as { id: string; ownerId: string };
    const owner = await http().get(`/organizations/${orgId}/users/${ownerId}`).set('Authorization', root);
    expect(owner.body).toMatchObject({ email: 'Olga@Birch.test', firstName: 'Olga', lastName: 'Berg', roles: ['owner', 'admin'], status: 'setupPending' });
    expect((await http().get(`/organizations/${orgId}`).set('Authorization', root)).body.userCount).toBe(1);

    const { token } = setupLinkIn(await smtp.waitFor('olga@birch.test'));
    expect((await http().post('/auth/setup').send({ token, password: PASSWORD })).status).toBe(201);
    const olga = await t.login('olga@birch.test', PASSWORD);
    // As the owner she may delete the organization (the body is refused, not the caller).
    const attempt = await http().post(`/organizations/${orgId}/deletion`).set('Authorization', olga).send({ confirmName: 'Not it' });
    expect(attempt.status).toBe(400);
    expect(attempt.body.errors).toEqual([{ field: 'confirmName', message: "confirmName must be the organization's name, exactly as it is written" }]);
  });

  test('without an owner the organization has no member: the creator does not become one', async () => {
    const created = await createOrganization({ name: 'Cedar College', timeZone: 'UTC' });
    expect(created.body.ownerId).toBeNull();
    const users = await http().get(`/organizations/${created.body.id}/users`).set('Authorization', root);
    expect(users.body.total).toBe(0);
  });

  test('an owner whose address is taken: 409 email-already-in-use, and neither the organization nor its slug remain', async () => {
    const refused = await createOrganization({ name: 'Dogwood Academy', timeZone: 'UTC', slug: 'dogwood', owner: { email: 'olga@birch.test', firstName: 'O', lastName: 'B' } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('email-already-in-use');
    expect((await http().get('/organizations').query({ search: 'Dogwood' }).set('Authorization', root)).body.total).toBe(0);
    expect((await createOrganization({ name: 'Dogwood Academy', timeZone: 'UTC', slug: 'dogwood' })).status).toBe(201);
  });

  test('an owner with a malformed address is a 400 naming the field', async () => {
    const refused = await createOrganization({ name: 'Elm Academy', timeZone: 'UTC', owner: { email: 'not-an-address', firstName: 'E', lastName: 'L' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['owner.email']);
  });
});

describe('Deleting an organization', () => {
  let orgId: string;
  let owner: string;
  let admin: string;
  const name = 'Willow Creek Schools';

  beforeAll(async () => {
    const created = await createOrganization({ name, timeZone: 'America/Chicago', slug: 'willow-creek' });
    orgId = created.body.id;
    await inviteAndSetUp(t, root, orgId, { email: 'owner@willow.test', roles: ['owner'] }, PASSWORD);
    await inviteAndSetUp(t, root, orgId, { email: 'admin@willow.test', roles: ['admin'] }, PASSWORD);
    owner = await t.login('owner@willow.test', PASSWORD);
    admin = await t.login('admin@willow.test', PASSWORD);
  }, 60_000);

  test('an admin who is not an owner is refused; a wrong confirmName is a 400 and deletes nothing', async () => {
    const byAdmin = await http().post(`/organizations/${orgId}/deletion`).set('Authorization', admin).send({ confirmName: name });
    expect(byAdmin.status).toBe(403);
    const wrong = await http().post(`/organizations/${orgId}/deletion`).set('Authorization', owner).send({ confirmName: 'willow creek schools' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('validation-failed');
    expect((await http().get(`/organizations/${orgId}`).set('Authorization', admin)).body.deletion).toBeNull();
  });

  test('the owner deletes it: suspended at once (sessions end, sign-in refused), every change refused, the purge due at midnight in Chicago 30 days on', async () => {
    const before = Date.now();
    const deleted = await http().post(`/organizations/${orgId}/deletion`).set('Authorization', owner).send({ confirmName: name });
    expect(deleted.status).toBe(200);
    const { requestedAt, purgeAt } = deleted.body.deletion as { requestedAt: string; purgeAt: string };
    expect(Date.parse(requestedAt)).toBeGreaterThanOrEqual(before - 1000);
    // Midnight in Chicago, between 30 and 31 days after the request.
    const wall = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Chicago', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(purgeAt));
    expect(wall).toBe('00:00');
    expect(Date.parse(purgeAt) - Date.parse(requestedAt)).toBeGreaterThanOrEqual(30 * DAY);
    expect(Date.parse(purgeAt) - Date.parse(requestedAt)).toBeLessThan(31 * DAY);

    // The admin's session ended on the spot, with the reason.
    const ended = await http().get(`/organizations/${orgId}/users`).set('Authorization', admin);
    expect(ended.status).toBe(401);
    expect(ended.body.code).toBe('organization-being-deleted');
    const signIn = await http().post('/auth/login').send({ email: 'admin@willow.test', password: PASSWORD });
    expect(signIn.status).toBe(401);
    expect(signIn.body).toMatchObject({ code: 'organization-being-deleted', detail: 'Your organization is being deleted. Please contact support if this is a mistake.' });

    // Nothing else can be done with it, not even by a super admin.
    const edit = await http().patch(`/organizations/${orgId}`).set('Authorization', root).send({ name: 'Renamed' });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('organization-deletion-pending');
    // The super admin's list shows it as being deleted.
    const listed = await http().get('/organizations').query({ search: name }).set('Authorization', root);
    expect(listed.body.items[0].deletion).toEqual({ requestedAt, purgeAt });
  });

  test('a super admin restores it: members sign in again; the purge job then leaves it alone', async () => {
    const restored = await http().delete(`/organizations/${orgId}/deletion`).set('Authorization', root);
    expect(restored.status).toBe(200);
    expect(restored.body.deletion).toBeNull();
    admin = await t.login('admin@willow.test', PASSWORD);
    expect((await http().get(`/organizations/${orgId}/users`).set('Authorization', admin)).status).toBe(200);
    expect(await t.app.get(PurgeOrganizationsJob).purgeDue(new Date(Date.now() + 40 * DAY))).toBe(0);
    expect((await http().get(`/organizations/${orgId}`).set('Authorization', root)).status).toBe(200);
  });

  test('the owner cannot restore what they deleted: their session ended with it and sign-in is refused (the domain refuses an owner with 403)', async () => {
    owner = await t.login('owner@willow.test', PASSWORD);
    expect((await http().post(`/organizations/${orgId}/deletion`).set('Authorization', owner).send({ confirmName: name })).status).toBe(200);
    const byOwner = await http().delete(`/organizations/${orgId}/deletion`).set('Authorization', owner);
    expect(byOwner.status).toBe(401); // their own session ended with the deletion
    const again = await http().post('/auth/login').send({ email: 'owner@willow.test', password: PASSWORD });
    expect(again.body.code).toBe('organization-being-deleted');
  });

  test('the purge job is scheduled, does nothing before the purge is due, and then removes the organization from every read model and frees its emails and slug; the events remain', async () => {
    const schedule = t.app.get(SchedulerRegistry).getCronJob('purge-organizations');
    expect(schedule.cronTime.source).toBe('*/10 * * * *');

    const detail = (await http().get(`/organizations/${orgId}`).set('Authorization', root)).body;
    // Before the purge the organization is in the read models (so the check after it can fail).
    expect(await t.infra.readStore.collection('members_v3').countDocuments({ organizationId: orgId })).toBe(2);
    const purgeAt = Date.parse(detail.deletion.purgeAt);
    const job = t.app.get(PurgeOrganizationsJob);
    expect(await job.purgeDue(new Date(purgeAt - 1))).toBe(0);
    expect((await http().get(`/organizations/${orgId}`).set('Authorization', root)).status).toBe(200);

    expect(await job.purgeDue(new Date(purgeAt))).toBe(1);
    await t.infra.runner!.catchUp(15_000);
    expect((await http().get(`/organizations/${orgId}`).set('Authorization', root)).status).toBe(404);
    expect((await http().get(`/organizations/${orgId}/users`).set('Authorization', root)).status).toBe(404);
    // Every collection of every projection holds nothing of it.
    const leftovers: string[] = [];
    for (const projection of ALL_PROJECTIONS)
      for (const { name: collection } of projection.collections) {
        const filter = collection.startsWith('organizations_') ? { _id: orgId } : { organizationId: orgId };
        if ((await t.infra.readStore.collection(collection).countDocuments(filter)) > 0) leftovers.push(collection);
      }
    expect(leftovers).toEqual([]);
    expect((await http().get('/organizations').query({ search: name }).set('Authorization', root)).body.total).toBe(0);
    expect((await bySlug('willow-creek')).status).toBe(404);
    expect((await http().delete(`/organizations/${orgId}/deletion`).set('Authorization', root)).status).toBe(404);
    // Sign-in knows the address no more.
    expect((await http().post('/auth/login').send({ email: 'owner@willow.test', password: PASSWORD })).body.code).toBe('invalid-credentials');

    // Its members' emails and its slug are free for others.
    const next = await createOrganization({ name: 'Willow Creek Academy', timeZone: 'UTC', slug: 'willow-creek', owner: { email: 'owner@willow.test', firstName: 'New', lastName: 'Owner' } });
    expect(next.status).toBe(201);
    expect((await http().post(`/organizations/${next.body.id}/users`).set('Authorization', root).send({ email: 'admin@willow.test', firstName: 'A', lastName: 'W', roles: ['admin'] })).status).toBe(201);

    // The events remain: the purged organization's stream still holds its whole history.
    const events = await t.infra.eventStore.readStream(`organization-${orgId}`);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['OrganizationCreated', 'UserInvited', 'OrganizationDeletionRequested', 'OrganizationRestored', 'OrganizationPurged']));
    // Its people are erased with it (issue 20): their keys are destroyed, so the history names no one.
    const invited = events.filter((e) => e.type === 'UserInvited').map((e) => e.data as { userId: string; email: string });
    expect(invited.map((i) => i.email)).toEqual(invited.map((i) => `erased-${i.userId}@erased.invalid`));
    const keys = await t.infra.keyStore.keysFor(invited.map((i) => i.userId));
    expect([...keys.values()]).toEqual(invited.map(() => null));
    // The audit trail keeps the organization's entries, the purge by the scheduled job among them.
    const audit = await http().get(`/organizations/${orgId}/audit`).query({ pageSize: 100 }).set('Authorization', root);
    const purge = audit.body.items.find((e: { type: string }) => e.type === 'OrganizationPurged');
    expect(purge).toMatchObject({ actor: { id: 'system', kind: 'system' } });
    expect(purge.summary).toBe("Purged the organization: removed from every read model, its members' emails and its slugs freed");
    // A second run finds nothing more to do.
    expect(await job.purgeDue(new Date(purgeAt + DAY))).toBe(0);
  });
});
