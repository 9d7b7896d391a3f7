import { describe, expect, test } from '@jest/globals';
import { accessStreamName } from '#domain';
import { csvCell } from '../../apps/command-api/src/shared/csv.js';
import { inviteAndSetUp } from '../support/members.js';
import { withTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let root: string;
withTestApp((app, token) => ((t = app), (root = token)));

describe('Member export', () => {
  test('gives every member as CSV and records who exported it, without touching the organization', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Export School', timeZone: 'UTC' })).body.id;
    const admin = await inviteAndSetUp(t, root, orgId, { email: 'admin@export.test', roles: ['admin'], firstName: 'Ada', lastName: 'Admin' }, 'export-password-1');
    await t.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'quote@export.test', firstName: 'Jo, "JJ"', lastName: '=HYPERLINK("x")', roles: ['instructor'] });
    const before = (await t.http().get(`/organizations/${orgId}`).set('Authorization', root)).body.revision;
    const auth = await t.login('admin@export.test', 'export-password-1');

    const csv = await t.http().get(`/organizations/${orgId}/users/export.csv`).set('Authorization', auth);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,email,firstName,lastName,roles,status');
    expect(lines).toHaveLength(3);
    // Sorted like the list, by last name: "=HYPERLINK..." comes before "Admin".
    expect(lines[1]).toContain(`"Jo, ""JJ""","'=HYPERLINK(""x"")",instructor,setupPending`);
    expect(lines[2]).toBe(`${admin},admin@export.test,Ada,Admin,admin,active`);

    const [access] = await t.infra.eventStore.readStream(accessStreamName(orgId));
    expect(access).toMatchObject({ type: 'DataAccessed', data: { what: 'member-list-export', detail: { rows: 2 } }, metadata: { actorId: admin, organizationId: orgId } });
    expect((await t.http().get(`/organizations/${orgId}`).set('Authorization', root)).body.revision).toBe(before);
  });

  test('instructors may not export, and another organization is not found', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Export Guard', timeZone: 'UTC' })).body.id;
    const other = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Export Other', timeZone: 'UTC' })).body.id;
    await inviteAndSetUp(t, root, orgId, { email: 'admin@guard.test', roles: ['admin'] }, 'export-password-1');
    await inviteAndSetUp(t, root, orgId, { email: 'teacher@guard.test', roles: ['instructor'] }, 'export-password-1');
    const teacher = await t.login('teacher@guard.test', 'export-password-1');
    const admin = await t.login('admin@guard.test', 'export-password-1');
    expect((await t.http().get(`/organizations/${orgId}/users/export.csv`).set('Authorization', teacher)).status).toBe(403);
    expect((await t.http().get(`/organizations/${other}/users/export.csv`).set('Authorization', admin)).status).toBe(404);
    expect(await t.infra.eventStore.readStream(accessStreamName(orgId))).toEqual([]);
  });

  test('cells are quoted when needed and never start a formula', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a;b')).toBe('"a;b"'); // the imports read ; as a delimiter too
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-5')).toBe("'-5");
  });
});
