import { describe, expect, test } from '@jest/globals';
import { fold, organizationDecider, organizationStreamName, type OrganizationEvent } from '#domain';
import { burst, type BurstRequest } from '../support/burst.js';
import { inviteAndSetUp } from '../support/members.js';
import { withTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let root: string;
withTestApp((app, token) => ((t = app), (root = token)));

const pw = 'a-password-long-enough';

/** Invites and sets up a member with the token from the sealed event (no mail needed here). */
async function member(orgId: string, email: string, roles: string[]) {
  const id = await inviteAndSetUp(t, root, orgId, { email, roles, firstName: email.split('@')[0], lastName: 'Racer' }, pw);
  return { id, auth: await t.login(email, pw) };
}

describe('Races do not break the rules', () => {
  test('role edits racing class assignments and deactivations: the instructor role stays while classes are active, no active class is left with a deactivated or non-instructor teacher, and an active admin remains', async () => {
    const orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Race School', timeZone: 'UTC' })).body.id as string;
    // The acting admin is never a target, and the super admin acts too: both stay signed in for the whole burst.
    const actor = await member(orgId, 'a1@race.test', ['admin', 'instructor']);
    const teachers = [];
    for (let i = 0; i < 4; i++) teachers.push(await member(orgId, `t${i}@race.test`, ['instructor']));
    for (const [i, teacher] of teachers.entries())
      expect((await t.http().post(`/organizations/${orgId}/classes`).set('Authorization', root).send({ name: `Seed ${i}`, instructorId: teacher.id })).status).toBe(201);

    type Answer = { kind: string; status: number; body: { code?: string } };
    const planned: { kind: string; request: BurstRequest }[] = [];
    const call = (kind: string, method: string, path: string, auth: string, body?: unknown) => ({ kind, request: { method, path, headers: { Authorization: auth }, body } });
    for (let round = 0; round < 5; round++) {
      for (const [i, target] of teachers.entries()) {
        const other = teachers[(i + 1 + round) % teachers.length];
        planned.push(
          call('create class', 'POST', `/organizations/${orgId}/classes`, root, { name: `Class ${round}-${i}`, instructorId: target.id }),
          call('drop instructor role', 'PATCH', `/organizations/${orgId}/users/${target.id}`, actor.auth, { roles: ['auditor'] }),
          call('deactivate', 'POST', `/organizations/${orgId}/users/${target.id}/deactivate`, root, { reassignTo: other.id }),
          call('reactivate', 'POST', `/organizations/${orgId}/users/${target.id}/reactivate`, root),
          call('restore instructor role', 'PATCH', `/organizations/${orgId}/users/${target.id}`, root, { roles: ['instructor'] }),
        );
      }
    }
    const server = t.app.getHttpServer() as import('node:http').Server;
    const result = await burst(server, planned.map((p) => p.request));
    const answers: Answer[] = result.map((r, i) => ({ kind: planned[i].kind, status: r.status, body: r.body as { code?: string } }));
    // The racers raced: commands on one organization that are pending together are
    // decided in one batch and answer with the batch's log position, so successes that
    // share a position were in flight at the same time.
    const successes = answers.filter((a) => a.status < 300).map((a) => (a.body as { position?: number }).position);
    expect(new Set(successes).size).toBeLessThan(successes.length - 5);
    // Every answer is a success or a refusal by a rule, never a 5xx or a lost session.
    expect(answers.filter((a) => a.status >= 500 || a.status === 401)).toEqual([]);
    const refusals = new Set(answers.filter((a) => a.status === 409).map((a) => a.body.code));
    for (const code of refusals)
      expect(['instructor-has-active-classes', 'reassignment-required', 'invalid-reassignment-target', 'invalid-instructor', 'only-active-users-can-be-deactivated', 'only-deactivated-users-can-be-reactivated', 'concurrency-conflict']).toContain(code);
    // What must succeed and what must be refused: some role changes went through, and
    // dropping the role of an instructor who still teaches was refused.
    const drops = answers.filter((a) => a.kind === 'drop instructor role');
    expect(drops.filter((a) => a.status === 200).length + drops.filter((a) => a.status === 409).length).toBe(drops.length);
    expect(drops.filter((a) => a.status === 409 && a.body.code === 'instructor-has-active-classes').length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.kind === 'restore instructor role' && a.status === 200).length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.kind === 'create class' && a.status === 201).length).toBeGreaterThan(0);

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
