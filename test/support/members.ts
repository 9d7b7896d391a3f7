import { organizationStreamName, PLATFORM_STREAM } from '#domain';
import type { TestApp } from './test-app.js';

/** The setup token of a user's latest invitation, opened from its sealed copy in the log. */
export async function setupTokenFromLog(t: TestApp, orgId: string, userId: string): Promise<string> {
  const events = await t.infra.eventStore.readStream(organizationStreamName(orgId));
  const invitation = events.filter((e) => (e.type === 'UserInvited' || e.type === 'UserInvitationResent') && (e.data as { userId: string }).userId === userId).at(-1);
  if (!invitation) throw new Error(`no invitation for ${userId}`);
  return t.infra.secretBox.open((invitation.data as { setupTokenCiphertext: string }).setupTokenCiphertext);
}

/** Invites a member as `auth` and completes their setup with `password`, without mail. */
export async function inviteAndSetUp(
  t: TestApp,
  auth: string,
  orgId: string,
  person: { email: string; roles: string[]; firstName?: string; lastName?: string },
  password: string,
): Promise<string> {
  const invited = await t.http().post(`/organizations/${orgId}/users`).set('Authorization', auth)
    .send({ email: person.email, firstName: person.firstName ?? 'M', lastName: person.lastName ?? 'X', roles: person.roles });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const setup = await t.http().post('/auth/setup').send({ token: await setupTokenFromLog(t, orgId, invited.body.id), password });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  return invited.body.id as string;
}

/** Invites a platform auditor (or analyst) as a super admin (`auth`) and completes their setup, without mail. */
export async function inviteAndSetUpPlatformAuditor(t: TestApp, auth: string, email: string, password: string, beforeSetup?: () => Promise<void>, role: 'auditor' | 'analyst' = 'auditor'): Promise<string> {
  const invited = await t.http().post(`/platform/${role}s`).set('Authorization', auth).send({ email, firstName: 'Pat', lastName: role === 'analyst' ? 'Analyst' : 'Auditor' });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  await beforeSetup?.();
  const events = await t.infra.eventStore.readStream(PLATFORM_STREAM);
  const invitation = events.filter((e) => e.type === 'PlatformAuditorInvited' && (e.data as { auditorId: string }).auditorId === invited.body.id).at(-1)!;
  const token = t.infra.secretBox.open((invitation.data as { setupTokenCiphertext: string }).setupTokenCiphertext);
  const setup = await t.http().post('/auth/setup').send({ token, password });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  return invited.body.id as string;
}
