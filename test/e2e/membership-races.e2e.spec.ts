import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { fold, organizationDecider, organizationStreamName, type OrganizationEvent } from '../../libs/domain/src/index.js';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let root: string;

beforeAll(async () => {
  t = await startTestApp();
  root = await t.login();
});
afterAll(async () => {
  await t.close();
});

const pw = 'a-password-long-enough';

/** Invites and sets up a member with the token from the sealed event (no mail needed here). */
async function member(orgId: string, email: string, roles: string[]) {
  const id = await inviteAndSetUp(t, root, orgId, { email, roles, firstName: email.split('@')[0], lastName: 'Racer' }, pw);
  return { id, auth: await t.login(email, pw) };
}

describe('Races do not break the rules', () => {
  test('parallel role edits, deactivations and class assignments never leave an active class with a deactivated or non-instructor teacher, nor the organization without an active admin', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Race School', timeZone: 'UTC' })).body.id as string;
    const admins = [await member(orgId, 'a1@race.test', ['admin', 'instructor']), await member(orgId, 'a2@race.test', ['admin', 'instructor'])];
    const teachers = [];
    for (let i = 0; i < 4; i++) teachers.push(await member(orgId, `t${i}@race.test`, ['instructor']));
    const everyone = [...admins, ...teachers];

    const requests: Promise<unknown>[] = [];
    for (let round = 0; round < 6; round++) {
      for (const [i, target] of everyone.entries()) {
        const other = everyone[(i + 1 + round) % everyone.length];
        const actor = admins[(i + round) % 2];
        requests.push(
          t.http().post(`/organizations/${orgId}/classes`).set('Authorization', root).send({ name: `Class ${round}-${i}`, instructorId: target.id }),
          t.http().patch(`/organizations/${orgId}/users/${target.id}`).set('Authorization', actor.auth).send({ firstName: 'X', lastName: 'Racer', roles: round % 2 ? ['admin'] : ['instructor'] }),
          t.http().post(`/organizations/${orgId}/users/${target.id}/deactivate`).set('Authorization', root).send({ reassignTo: other.id }),
          t.http().post(`/organizations/${orgId}/users/${target.id}/reactivate`).set('Authorization', root),
        );
      }
    }
    const responses = (await Promise.all(requests)) as { status: number }[];
    // Every answer is a success or a clean refusal, never a server error.
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    expect(responses.filter((r) => r.status === 200 || r.status === 201).length).toBeGreaterThan(0);
    // The requests really contended: the rules turned some of them away.
    expect(responses.filter((r) => r.status === 409).length).toBeGreaterThan(0);

    // Fold the whole log, checking the invariants after every single event.
    const events = await t.infra.eventStore.readStream(organizationStreamName(orgId));
    let state = organizationDecider.initialState();
    let hadActiveAdmin = false;
    for (const event of events) {
      state = fold(organizationDecider, [{ type: event.type, data: event.data } as OrganizationEvent], state);
      if (state.status !== 'existing') continue;
      for (const cls of state.classes.values()) {
        if (cls.status !== 'active') continue;
        const teacher = state.members.get(cls.instructorId);
        expect({ event: event.revision, class: cls.name, teacherStatus: teacher?.status, isInstructor: teacher?.roles.includes('instructor') }).toEqual({
          event: event.revision,
          class: cls.name,
          teacherStatus: 'active',
          isInstructor: true,
        });
      }
      const activeAdmins = [...state.members.values()].filter((m) => m.status === 'active' && m.roles.includes('admin')).length;
      if (activeAdmins > 0) hadActiveAdmin = true;
      if (hadActiveAdmin) expect({ event: event.revision, activeAdmins: activeAdmins > 0 }).toEqual({ event: event.revision, activeAdmins: true });
    }
    expect(events.length).toBeGreaterThan(20);
  }, 60_000);
});
