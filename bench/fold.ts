import { randomUUID } from 'node:crypto';
import { DEFAULT_PROFILE, fold, organizationDecider, type OrganizationEvent } from '#domain';

/**
 * The fold of one large organization's stream (issue 13: `evolve` returns new state, and
 * must not make this more than 1.5 times slower): 100,000 invitations, then setup,
 * edits, deactivations and classes for a fifth of them. `node dist/bench/fold.js`; run
 * old and new builds alternately and compare the medians.
 */
const MEMBERS = Number(process.env.FOLD_MEMBERS ?? 100_000);
const ROUNDS = Number(process.env.FOLD_ROUNDS ?? 7);

function stream(): OrganizationEvent[] {
  const organizationId = randomUUID();
  const events: OrganizationEvent[] = [
    { type: 'OrganizationCreated', data: { organizationId, name: 'District', description: null, timeZone: 'UTC', profile: DEFAULT_PROFILE, slug: 'district', createdAt: '2026-11-30T10:00:00.000Z' } },
  ];
  const ids: string[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const userId = randomUUID();
    ids.push(userId);
    events.push({
      type: 'UserInvited',
      data: { organizationId, userId, email: `person${i}@district.example`, firstName: 'Person', lastName: `${i}`, roles: ['instructor'], setupTokenHash: `h${i}`, setupTokenCiphertext: 'c', setupExpiresAt: '2026-12-03T10:00:00.000Z' },
    });
  }
  for (let i = 0; i < MEMBERS / 5; i++) {
    const userId = ids[i];
    events.push({ type: 'UserSetupCompleted', data: { organizationId, userId, passwordHash: 'p' } });
    events.push({ type: 'UserEdited', data: { organizationId, userId, changes: { lastName: { before: `${i}`, after: `N${i}` } }, profile: { firstName: 'Person', lastName: `N${i}`, roles: ['instructor'] } } });
    events.push({ type: 'ClassCreated', data: { organizationId, classId: randomUUID(), name: `Class ${i}`, instructorId: userId } });
    if (i % 10 === 0) events.push({ type: 'UserDeactivated', data: { organizationId, userId: ids[i + 1], classesReassignedTo: null } });
  }
  return events;
}

const events = stream();
const times: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  const state = fold(organizationDecider, events);
  times.push(performance.now() - started);
  if (state.status !== 'existing' || state.members.size !== MEMBERS) throw new Error('the fold lost members');
}
times.sort((a, b) => a - b);

// The write path evolves one event at a time on the large state: 5,000 edits, one by one.
let state = fold(organizationDecider, events);
if (state.status !== 'existing') throw new Error('no organization');
const organizationId = state.id;
const members = [...state.members.keys()];
const started = performance.now();
for (let i = 0; i < 5000; i++) {
  const userId = members[(i * 7919) % members.length];
  state = organizationDecider.evolve(state, { type: 'UserEdited', data: { organizationId, userId, changes: { firstName: { before: 'Person', after: `P${i}` } }, profile: { firstName: `P${i}`, lastName: 'x', roles: ['instructor'] } } });
}
const singleUs = ((performance.now() - started) / 5000) * 1000;
process.stdout.write(`${JSON.stringify({ events: events.length, members: MEMBERS, medianMs: Math.round(times[Math.floor(times.length / 2)]), minMs: Math.round(times[0]), singleEventMicroseconds: Math.round(singleUs * 10) / 10 })}\n`);
