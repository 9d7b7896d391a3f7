import { expect, test } from '@jest/globals';
import { CHECKPOINTS, projectionId, type Projection } from '#read-models';
import { FaultyReadStore } from '#read-models/testing';
import { startTestApp } from '../support/test-app.js';

/**
 * A new projection (or a new version of one) is built from the start of the log. Queries
 * and commands that do not read it must not wait for that build: the projector runs the
 * projections that are up to date in one group and the new one in its own, and each
 * route waits only for the projections it reads.
 */
const invitationsDigest: Projection = {
  name: 'invitations_digest',
  version: 1,
  collections: [{ name: 'invitations_digest_v1', indexes: [] }],
  canHandle: (event) => event.type === 'UserInvited',
  project: (event) => [{ collection: 'invitations_digest_v1', updateOne: { filter: { _id: event.id }, update: { $set: { at: event.position } }, upsert: true } }],
};

test('while a new projection is built, routes that do not read it answer at once; those that do wait, and answer once it has caught up', async () => {
  const first = await startTestApp({ READ_YOUR_WRITES_TIMEOUT_MS: '400' });
  const root = await first.login();
  const orgId = (await first.http().post('/organizations').set('Authorization', root).send({ name: 'Versioned Valley School', timeZone: 'UTC' })).body.id as string;
  const invited = await first.http().post(`/organizations/${orgId}/users`).set('Authorization', root).send({ email: 'early@versions.test', firstName: 'Early', lastName: 'Bird', roles: ['instructor'] });
  expect(invited.status).toBe(201);
  await first.close({ keepData: true });

  // The same data directory, with one more projection whose build the read store holds back.
  let reads!: FaultyReadStore;
  const t = await startTestApp({ READ_YOUR_WRITES_TIMEOUT_MS: '3000' }, first.dataDir, {
    wrap: (stores) => {
      reads = new FaultyReadStore(stores.readStore);
      reads.refuseWrites(1_000_000, (collections) => collections.includes('invitations_digest_v1'));
      return { ...stores, readStore: reads, projections: [...stores.projections, invitationsDigest] };
    },
  });
  try {
    // Two groups: the projections that are up to date, and the new one.
    expect((await t.infra.runner!.health()).groups).toBe(2);

    // Sign-in, the organization's routes and a command on them do not read the new projection.
    const auth = await t.login();
    const started = performance.now();
    const renamed = await t.http().patch(`/organizations/${orgId}`).set('Authorization', auth).send({ description: 'Edited during the build' });
    expect(renamed.status).toBe(200);
    const seen = await t.http().get(`/organizations/${orgId}`).query({ minPosition: renamed.body.position }).set('Authorization', auth);
    expect(seen.status).toBe(200);
    expect(seen.body.description).toBe('Edited during the build');
    const members = await t.http().get(`/organizations/${orgId}/users`).query({ minPosition: renamed.body.position }).set('Authorization', auth);
    expect(members.status).toBe(200);
    // Well under the 3 s the command alone would have waited for the build.
    expect(performance.now() - started).toBeLessThan(2000);

    // A route that declares nothing it reads waits for every projection: the build holds it.
    const undeclared = await t.http().get('/platform/auditors').query({ minPosition: renamed.body.position }).set('Authorization', auth);
    expect(undeclared.status).toBe(503);
    expect(undeclared.body.code).toBe('read-model-behind');
    expect(reads.refused).toBeGreaterThan(0);

    // The build goes through: everyone catches up, the new projection has the invitation.
    reads.stopRefusing();
    await t.infra.runner!.catchUp(15_000);
    expect((await t.http().get('/platform/auditors').query({ minPosition: renamed.body.position }).set('Authorization', auth)).status).toBe(200);
    expect(await t.infra.readStore.collection('invitations_digest_v1').countDocuments({})).toBe(1);
    const checkpoint = await t.infra.readStore.collection<{ _id: string; position: number }>(CHECKPOINTS).findOne({ _id: projectionId(invitationsDigest) });
    expect(checkpoint?.position).toBe(await t.infra.eventStore.headPosition());
  } finally {
    await t.close();
  }
}, 30_000);
