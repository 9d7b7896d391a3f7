import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { inviteAndSetUp, setupTokenFromLog } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The multi-tenant guide's organization profile over HTTP: "Organization Details" (type,
 * industry, website, contacts) when creating and editing, shown on the organization,
 * refused field by field, and given to organizations created before it existed.
 */
let t: TestApp;
let root: string;

beforeAll(async () => {
  t = await startTestApp();
  root = await t.login();
});

afterAll(async () => {
  await t?.close();
});

const district = {
  name: 'Lakeshore School District',
  timeZone: 'America/Chicago',
  type: 'educational',
  industry: 'K-12 education',
  website: 'https://lakeshore.example.org',
  primaryContact: { name: 'Mira Odjig', phone: '+1 715-555-0100', address: { lines: ['100 Lake St'], city: 'Hayward', region: 'WI', postalCode: '54843', country: 'us' } },
  billingContact: { name: 'District Accounts', email: 'accounts@lakeshore.example.org' },
};

describe('The organization profile', () => {
  test('given at creation, shown on the organization, normalised', async () => {
    const created = await t.http().post('/organizations').set('Authorization', root).send(district);
    expect(created.status).toBe(201);
    const shown = await t.http().get(`/organizations/${created.body.id}`).set('Authorization', root);
    expect(shown.body).toMatchObject({
      name: 'Lakeshore School District',
      type: 'educational',
      industry: 'K-12 education',
      website: 'https://lakeshore.example.org',
      primaryContact: { name: 'Mira Odjig', phone: '+17155550100', address: { lines: ['100 Lake St'], city: 'Hayward', region: 'WI', postalCode: '54843', country: 'US' } },
      billingContact: { name: 'District Accounts', email: 'accounts@lakeshore.example.org' },
    });
  });

  test('edited as a merge patch: the fields sent change, a contact field by field, null clears; the audit entry has before and after', async () => {
    const { id } = (await t.http().post('/organizations').set('Authorization', root).send(district)).body;
    const etag = (await t.http().get(`/organizations/${id}`).set('Authorization', root)).headers.etag;
    const patched = await t.http().patch(`/organizations/${id}`).set('Authorization', root).set('If-Match', etag)
      .send({ type: 'community', primaryContact: { phone: '+44 20 7946 0018' }, billingContact: null });
    expect(patched.status).toBe(200);
    const shown = (await t.http().get(`/organizations/${id}`).set('Authorization', root)).body;
    expect(shown.type).toBe('community');
    expect(shown.primaryContact).toEqual({ ...district.primaryContact, phone: '+442079460018', address: { ...district.primaryContact.address, country: 'US' } });
    expect(shown.billingContact).toEqual({ name: null, email: null });
    expect(shown.industry).toBe('K-12 education');
    const [event] = (await t.infra.eventStore.readStream(`organization-${id}`)).filter((e) => e.type === 'OrganizationSettingsUpdated');
    expect((event.data as { changes: Record<string, unknown> }).changes).toEqual({
      type: { before: 'educational', after: 'community' },
      primaryContact: { before: expect.objectContaining({ phone: '+17155550100' }), after: expect.objectContaining({ phone: '+442079460018' }) },
      billingContact: { before: district.billingContact, after: { name: null, email: null } },
    });
  });

  test('wrong fields are refused together, each named, and nothing is stored', async () => {
    const refused = await t.http().post('/organizations').set('Authorization', root).send({
      ...district,
      name: 'Refused District',
      website: 'lakeshore.example.org',
      primaryContact: { phone: '555-0100', address: { country: 'EU' } },
      billingContact: { email: 'accounts' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation-failed');
    expect(refused.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['billingContact.email', 'primaryContact.address.country', 'primaryContact.phone', 'website']);
    expect((await t.http().get('/organizations').query({ search: 'Refused District' }).set('Authorization', root)).body.total).toBe(0);

    const badType = await t.http().post('/organizations').set('Authorization', root).send({ ...district, type: 'charity' });
    expect(badType.status).toBe(400);
    expect(badType.body.errors).toEqual([{ field: 'type', message: 'type must be one of company, educational, professional-services, community' }]);
    // Unknown fields, nested ones too, are refused rather than dropped.
    const unknown = await t.http().post('/organizations').set('Authorization', root).send({ ...district, primaryContact: { fax: '+1 715 555 0101' } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.errors)).toContain('fax');
  });

  test('an organization created before profiles existed reads as a company with an empty profile (an upcaster; its stored event is not changed)', async () => {
    const id = randomUUID();
    // An OrganizationCreated as it was written before: schema version 1, no profile.
    const { position } = await t.infra.eventStore.append(`organization-${id}`, [
      {
        id: randomUUID(),
        type: 'OrganizationCreated',
        data: { organizationId: id, name: 'Founded Earlier', description: null, timeZone: 'UTC', createdAt: '2026-01-05T10:00:00.000Z' },
        metadata: { schemaVersion: 1, occurredAt: '2026-01-05T10:00:00.000Z' },
      },
    ]);
    const shown = await t.http().get(`/organizations/${id}`).query({ minPosition: position }).set('Authorization', root);
    expect(shown.body).toMatchObject({ name: 'Founded Earlier', type: 'company', industry: null, website: null, primaryContact: { name: null, phone: null, address: null }, billingContact: { name: null, email: null } });
    // The write side reads it the same way: an edit of its profile records "company" as before.
    expect((await t.http().patch(`/organizations/${id}`).set('Authorization', root).send({ type: 'professional-services' })).status).toBe(200);
    const [stored, edited] = await t.infra.eventStore.readStream(`organization-${id}`);
    expect(stored.data).not.toHaveProperty('profile');
    expect((edited.data as { changes: unknown }).changes).toEqual({ type: { before: 'company', after: 'professional-services' } });
  });
});

describe('Billing is an owner\'s (multi-tenant guide, "Member Roles": owner = admin plus billing)', () => {
  test('an admin who is not an owner cannot change the billing contact (403) but edits the rest; the owner changes it', async () => {
    const password = 'billing password 1234';
    const { id } = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Billing District', timeZone: 'UTC', owner: { email: 'owner@billing.test', firstName: 'Olga', lastName: 'Owner' } })).body;
    const ownerId = (await t.http().get(`/organizations/${id}/users`).query({ search: 'owner@billing.test' }).set('Authorization', root)).body.items[0].id;
    expect((await t.http().post('/auth/setup').send({ token: await setupTokenFromLog(t, id, ownerId), password })).status).toBe(201);
    await inviteAndSetUp(t, root, id, { email: 'admin@billing.test', roles: ['admin'] }, password);
    const owner = await t.login('owner@billing.test', password);
    const admin = await t.login('admin@billing.test', password);
    const billing = { billingContact: { name: 'Accounts', email: 'accounts@billing.test' } };

    const refused = await t.http().patch(`/organizations/${id}`).set('Authorization', admin).send(billing);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'forbidden', detail: 'Only an owner of the organization can change its billing contact' });
    expect((await t.http().patch(`/organizations/${id}`).set('Authorization', admin).send({ industry: 'Education' })).status).toBe(200);
    expect((await t.http().patch(`/organizations/${id}`).set('Authorization', owner).send(billing)).status).toBe(200);
    expect((await t.http().get(`/organizations/${id}`).set('Authorization', admin)).body).toMatchObject({ industry: 'Education', billingContact: billing.billingContact });
  });
});
