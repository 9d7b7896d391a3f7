import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startDnsServer } from '../support/dns-server.js';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Verified email domains (issue 17; multi-tenant guide, Domain Auto-Join), against a
 * real DNS server on loopback that serves the TXT records the test publishes.
 */
let t: TestApp;
let dns: Awaited<ReturnType<typeof startDnsServer>>;
let root: string;
let orgId: string;
let otherOrgId: string;
let admin: string;
const PASSWORD = 'domains-password-1';
const http = () => t.http();

beforeAll(async () => {
  dns = await startDnsServer();
  t = await startTestApp({ DNS_SERVERS: dns.address, LOGIN_MAX_FAILURES_PER_IP: '1000' });
  root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Lakeshore Schools', timeZone: 'UTC' })).body.id;
  otherOrgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Other Schools', timeZone: 'UTC' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@lakeshore.test', roles: ['admin'] }, PASSWORD);
  admin = await t.login('admin@lakeshore.test', PASSWORD);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

describe('Email domains', () => {
  test('added pending with the TXT record to publish; verified once DNS serves it; the audit log says so', async () => {
    const added = await http().post(`/organizations/${orgId}/domains`).set('Authorization', admin).send({ domain: 'Lakeshore.Example' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ domain: 'lakeshore.example', status: 'pending', verifiedAt: null, record: { type: 'TXT', name: '_organization-service.lakeshore.example' } });
    const value = added.body.record.value as string;
    expect(value).toMatch(/^organization-service-verification=[A-Za-z0-9_-]{24}$/);

    // Not published yet: 409 with what was expected and what DNS answered.
    const early = await http().post(`/organizations/${orgId}/domains/lakeshore.example/verify`).set('Authorization', admin);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'domain-verification-failed', expected: { type: 'TXT', name: '_organization-service.lakeshore.example', value }, found: [] });
    // A wrong value is not enough either.
    dns.publish('_organization-service.lakeshore.example', 'organization-service-verification=someone-else');
    expect((await http().post(`/organizations/${orgId}/domains/lakeshore.example/verify`).set('Authorization', admin)).body.found).toEqual(['organization-service-verification=someone-else']);

    dns.publish('_organization-service.lakeshore.example', value);
    const verified = await http().post(`/organizations/${orgId}/domains/lakeshore.example/verify`).set('Authorization', admin);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ domain: 'lakeshore.example', status: 'verified', verifiedAt: expect.any(String) });
    const list = await http().get(`/organizations/${orgId}/domains`).set('Authorization', admin);
    expect(list.body.items.map((d: { domain: string; status: string }) => [d.domain, d.status])).toEqual([['lakeshore.example', 'verified']]);
    const audit = await http().get(`/organizations/${orgId}/audit`).query({ type: 'EmailDomainVerified' }).set('Authorization', admin);
    expect(audit.body.items[0].summary).toBe('Verified the email domain lakeshore.example by its DNS TXT record');
  });

  test('one organization at a time: another organization publishing its own record gets 409 domain-taken, until the first removes it', async () => {
    const other = await http().post(`/organizations/${otherOrgId}/domains`).set('Authorization', root).send({ domain: 'lakeshore.example' });
    expect(other.status).toBe(201);
    dns.publish('_organization-service.lakeshore.example', other.body.record.value);
    const taken = await http().post(`/organizations/${otherOrgId}/domains/lakeshore.example/verify`).set('Authorization', root);
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('domain-taken');

    expect((await http().delete(`/organizations/${orgId}/domains/lakeshore.example`).set('Authorization', admin)).status).toBe(204);
    const now = await http().post(`/organizations/${otherOrgId}/domains/lakeshore.example/verify`).set('Authorization', root);
    expect(now.status).toBe(200);
    expect(now.body.status).toBe('verified');
  });

  test('public email providers, malformed names and a domain added twice are refused; an international name is kept as punycode', async () => {
    const gmail = await http().post(`/organizations/${orgId}/domains`).set('Authorization', admin).send({ domain: 'gmail.com' });
    expect(gmail.status).toBe(400);
    expect(gmail.body.errors).toEqual([{ field: 'domain', message: 'gmail.com is a public email provider: anyone can have an address there, so it cannot be verified for an organization' }]);
    expect((await http().post(`/organizations/${orgId}/domains`).set('Authorization', admin).send({ domain: 'not a domain' })).status).toBe(400);
    const idn = await http().post(`/organizations/${orgId}/domains`).set('Authorization', admin).send({ domain: 'bücher.example' });
    expect(idn.body.domain).toBe('xn--bcher-kva.example');
    const twice = await http().post(`/organizations/${orgId}/domains`).set('Authorization', admin).send({ domain: 'XN--BCHER-KVA.example' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('domain-already-added');
  });

  test('an unreachable DNS server is a 503, never "not found"', async () => {
    const deaf = await startTestApp({ DNS_SERVERS: '127.0.0.1:9' });
    try {
      const token = await deaf.login();
      const org = (await deaf.http().post('/organizations').set('Authorization', token).send({ name: 'Deaf Schools', timeZone: 'UTC' })).body.id;
      await deaf.http().post(`/organizations/${org}/domains`).set('Authorization', token).send({ domain: 'deaf.example' });
      const answer = await deaf.http().post(`/organizations/${org}/domains/deaf.example/verify`).set('Authorization', token);
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('dns-unavailable');
    } finally {
      await deaf.close();
    }
  }, 30_000);
});
