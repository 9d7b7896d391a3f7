import { expect, test } from '@jest/globals';
import { findAccountById, ORGANIZATIONS } from '#read-models';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp } from '../support/test-app.js';

/**
 * The guide: deactivated users "lose access immediately". With several API replicas the
 * read models every replica checks lag behind the log until the projector has caught up
 * (forever, if it is down): the command itself must end the sessions. Here the projector
 * is stopped before the commands, so only the commands can have ended them.
 */
test('deactivation and arrears end sessions at once, without waiting for any projector', async () => {
  const t = await startTestApp({ READ_YOUR_WRITES_TIMEOUT_MS: '200' });
  try {
    const root = await t.login();
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'At Once School', timeZone: 'UTC' })).body.id as string;
    const pw = 'a-password-long-enough';
    const leaving = await inviteAndSetUp(t, root, orgId, { email: 'leaving@once.test', roles: ['instructor'] }, pw);
    await inviteAndSetUp(t, root, orgId, { email: 'staying@once.test', roles: ['instructor'] }, pw);
    const leavingAuth = await t.login('leaving@once.test', pw);
    const stayingAuth = await t.login('staying@once.test', pw);
    for (const auth of [leavingAuth, stayingAuth]) expect((await t.http().get('/auth/me').set('Authorization', auth)).status).toBe(200);

    const refusal = async (auth: string) => {
      const response = await t.http().get('/auth/me').set('Authorization', auth);
      return { status: response.status, code: response.body.code, detail: response.body.detail };
    };
    await t.infra.runner!.stop();
    expect((await t.http().post(`/organizations/${orgId}/users/${leaving}/deactivate`).set('Authorization', root).send({})).status).toBe(200);
    // The read models have not seen the deactivation: only the command can have ended the session.
    expect((await findAccountById(t.infra.readStore, leaving))?.status).toBe('active');
    // With the guide's words, as the read models will give them once they catch up.
    expect(await refusal(leavingAuth)).toEqual({ status: 401, code: 'account-deactivated', detail: 'Your account has been deactivated. Please contact an administrator of your organization.' });
    expect((await t.http().get('/auth/me').set('Authorization', stayingAuth)).status).toBe(200);

    expect((await t.http().post(`/organizations/${orgId}/arrears`).set('Authorization', root)).status).toBe(200);
    expect((await t.infra.readStore.collection(ORGANIZATIONS).findOne({ _id: orgId }))?.inArrearsAt).toBeNull();
    expect(await refusal(stayingAuth)).toEqual({ status: 401, code: 'organization-suspended', detail: "Your organization's account is suspended. Please contact support." });
    // Super admins are not the organization's members: their sessions stay.
    expect((await t.http().get('/auth/me').set('Authorization', root)).status).toBe(200);
  } finally {
    await t.close();
  }
});
