import { describe, expect, test } from '@jest/globals';
import { fold } from '../shared/decider.js';
import { deciderSpec } from '../testing/given-when-then.js';
import { company, joined, org as orgId, teamCreated } from '../testing/company.js';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { ExistingOrganization, OrganizationEvent } from '../organizations/organization.js';
import { accessTo, learnersOf } from './access.js';
import { memberContent } from './member-content.js';
import { libraryDecider, type AssignmentTarget, type Due, type LibraryEvent } from './library.js';

/**
 * The content library (multi-tenant guide: Content Management; issue 19), each rule as
 * given/when/then. The organization teaches English and Ojibwe; its features allow both
 * kinds of activity unless a test says otherwise.
 */
const spec = deciderSpec(libraryDecider);
const org = 'o1';
const context = { organizationLanguageIds: ['en', 'oj'], features: { activityAuthoring: true, marketplace: true } };
const NOW = '2026-12-01T12:00:00.000Z';
const due = (at: string): Due => ({ date: at.slice(0, 10), time: '23:59', timeZone: 'UTC', at });

const privateAdded: LibraryEvent = {
  type: 'ActivityAdded',
  data: { organizationId: org, activityId: 'greet', kind: 'private', license: null, title: 'Greetings', category: 'Basics', languageId: null, activityIri: 'https://school.test/activities/greetings' },
};
const licensedAdded: LibraryEvent = {
  type: 'ActivityAdded',
  data: { organizationId: org, activityId: 'verbs', kind: 'licensed', license: { seats: 3, expiresAt: '2027-06-30T00:00:00.000Z' }, title: 'Verbs', category: 'Grammar', languageId: null, activityIri: 'https://market.test/verbs' },
};
const assigned = (assignmentId: string, activityId: string, learners: string[], target: AssignmentTarget = { kind: 'members', userIds: learners }, dueAt: string | null = null): LibraryEvent => ({
  type: 'ActivityAssigned',
  data: { organizationId: org, assignmentId, activityId, target, learners, due: dueAt ? due(dueAt) : null, assignedAt: NOW },
});

describe('Activities in the library', () => {
  test('a private activity needs the authoring feature; a licensed one the marketplace and a license', () => {
    const add = { organizationId: org, activityId: 'greet', title: ' Greetings ', category: 'Basics', activityIri: 'https://school.test/activities/greetings', kind: 'private' as const, holders: {}, ...context };
    spec([]).when({ type: 'AddActivity', data: add }).then([privateAdded]);
    spec([]).when({ type: 'AddActivity', data: { ...add, features: { activityAuthoring: false, marketplace: true } } }).thenFails('feature-off', { kind: 'conflict', details: { feature: 'activityAuthoring' } });
    const licensed = { ...add, activityId: 'verbs', title: 'Verbs', category: 'Grammar', activityIri: 'https://market.test/verbs', kind: 'licensed' as const, license: { seats: 3, expiresAt: '2027-06-30T00:00:00Z' } };
    spec([]).when({ type: 'AddActivity', data: licensed }).then([licensedAdded]);
    spec([]).when({ type: 'AddActivity', data: { ...licensed, features: { activityAuthoring: true, marketplace: false } } }).thenFails('feature-off', { details: { feature: 'marketplace' } });
    spec([]).when({ type: 'AddActivity', data: { ...licensed, license: { seats: 0 } } }).thenFails('invalid-activity', { fields: ['license.seats'] });
  });

  test('title required, an absolute IRI unique in the library, a language the organization teaches; every problem at once', () => {
    const bad = { organizationId: org, activityId: 'x', title: ' ', activityIri: 'not an iri', languageId: 'fr', kind: 'private' as const, holders: {}, ...context };
    spec([]).when({ type: 'AddActivity', data: bad }).thenFails('invalid-activity', { kind: 'invalid', fields: ['title', 'activityIri', 'languageId'] });
    spec([privateAdded]).when({ type: 'AddActivity', data: { ...bad, title: 'Again', languageId: null, activityIri: 'https://school.test/activities/greetings' } }).thenFails('activity-iri-taken', { kind: 'conflict' });
  });

  test('an activity in a language holds it with the key the process took', () => {
    spec([]).when({ type: 'AddActivity', data: { organizationId: org, activityId: 'oj1', title: 'Ojibwe I', activityIri: 'https://school.test/oj1', languageId: 'oj', kind: 'private', holders: { oj: 'k1' }, ...context } }).then([
      { type: 'LanguageHoldAdopted', data: { organizationId: org, languageId: 'oj', holder: 'k1', for: 'use' } },
      { type: 'ActivityAdded', data: { organizationId: org, activityId: 'oj1', kind: 'private', license: null, title: 'Ojibwe I', category: null, languageId: 'oj', activityIri: 'https://school.test/oj1' } },
    ]);
  });

  test('editing records before and after; seats cannot drop below those taken', () => {
    spec([privateAdded]).when({ type: 'EditActivity', data: { organizationId: org, activityId: 'greet', category: null, holders: {}, organizationLanguageIds: ['en', 'oj'] } }).then([
      { type: 'ActivityEdited', data: { organizationId: org, activityId: 'greet', changes: { category: { before: 'Basics', after: null } }, activity: { title: 'Greetings', category: null, languageId: null, activityIri: 'https://school.test/activities/greetings', license: null } } },
    ]);
    spec([licensedAdded, assigned('a1', 'verbs', ['ann', 'max'])]).when({ type: 'EditActivity', data: { organizationId: org, activityId: 'verbs', license: { seats: 1 }, holders: {}, organizationLanguageIds: [] } }).thenFails('license-seats-exceeded', { details: { seats: 1, used: 2 } });
  });

  test('an unused activity can be removed; once assigned it can only be retired, and a retired one is not assigned again', () => {
    spec([privateAdded]).when({ type: 'RemoveActivity', data: { organizationId: org, activityId: 'greet' } }).then([{ type: 'ActivityRemoved', data: { organizationId: org, activityId: 'greet', title: 'Greetings', languageId: null } }]);
    const used = [privateAdded, assigned('a1', 'greet', ['ann'])];
    spec(used).when({ type: 'RemoveActivity', data: { organizationId: org, activityId: 'greet' } }).thenFails('activity-in-use', { kind: 'conflict' });
    spec(used).when({ type: 'RetireActivity', data: { organizationId: org, activityId: 'greet' } }).then([{ type: 'ActivityRetired', data: { organizationId: org, activityId: 'greet', title: 'Greetings' } }]);
    spec([...used, { type: 'ActivityRetired', data: { organizationId: org, activityId: 'greet', title: 'Greetings' } }])
      .when({ type: 'AssignActivity', data: { organizationId: org, assignmentId: 'a2', activityId: 'greet', target: { kind: 'everyone' }, learners: ['max'], due: null, now: NOW } })
      .thenFails('activity-retired');
  });
});

describe('Assignments', () => {
  test('assigned to the learners the target has now, with an optional due date in the future', () => {
    spec([privateAdded]).when({ type: 'AssignActivity', data: { organizationId: org, assignmentId: 'a1', activityId: 'greet', target: { kind: 'team', teamId: 't1' }, learners: ['ann', 'max', 'ann'], due: due('2026-12-15T23:59:00.000Z'), now: NOW } }).then([
      assigned('a1', 'greet', ['ann', 'max'], { kind: 'team', teamId: 't1' }, '2026-12-15T23:59:00.000Z'),
    ]);
    spec([privateAdded]).when({ type: 'AssignActivity', data: { organizationId: org, assignmentId: 'a1', activityId: 'greet', target: { kind: 'everyone' }, learners: ['ann'], due: due('2026-11-30T23:59:00.000Z'), now: NOW } }).thenFails('invalid-assignment', { fields: ['dueDate'] });
    spec([privateAdded]).when({ type: 'AssignActivity', data: { organizationId: org, assignmentId: 'a1', activityId: 'greet', target: { kind: 'team', teamId: 'empty' }, learners: [], due: null, now: NOW } }).thenFails('invalid-assignment', { fields: ['target'] });
  });

  test('assigning beyond the seats is refused with the numbers; people who hold a seat already do not take another', () => {
    const two = [licensedAdded, assigned('a1', 'verbs', ['ann', 'max'])];
    spec(two).when({ type: 'AssignActivity', data: { organizationId: org, assignmentId: 'a2', activityId: 'verbs', target: { kind: 'everyone' }, learners: ['ann', 'mia', 'lee'], due: null, now: NOW } }).thenFails('license-seats-exceeded', {
      kind: 'conflict',
      details: { seats: 3, used: 2, requested: 2 },
    });
    spec(two).when({ type: 'AssignActivity', data: { organizationId: org, assignmentId: 'a2', activityId: 'verbs', target: { kind: 'members', userIds: ['ann', 'mia'] }, learners: ['ann', 'mia'], due: null, now: NOW } }).then([
      assigned('a2', 'verbs', ['ann', 'mia']),
    ]);
    // A cancelled assignment frees its seats.
    spec(two).when({ type: 'CancelAssignment', data: { organizationId: org, assignmentId: 'a1' } }).then([{ type: 'AssignmentCancelled', data: { organizationId: org, assignmentId: 'a1', activityId: 'verbs', freed: ['ann', 'max'] } }]);
    spec([...two, { type: 'AssignmentCancelled', data: { organizationId: org, assignmentId: 'a1', activityId: 'verbs', freed: ['ann', 'max'] } }])
      .when({ type: 'AssignActivity', data: { organizationId: org, assignmentId: 'a2', activityId: 'verbs', target: { kind: 'everyone' }, learners: ['mia', 'lee', 'dora'], due: null, now: NOW } })
      .then([assigned('a2', 'verbs', ['mia', 'lee', 'dora'], { kind: 'everyone' })]);
  });

  test('an ended license is not assigned', () => {
    spec([licensedAdded]).when({ type: 'AssignActivity', data: { organizationId: org, assignmentId: 'a1', activityId: 'verbs', target: { kind: 'everyone' }, learners: ['ann'], due: null, now: '2027-07-01T00:00:00.000Z' } }).thenFails('license-expired', {
      details: { expiresAt: '2027-06-30T00:00:00.000Z' },
    });
  });

  test('people who join a team later receive its open assignments until they are due; a licensed one as far as seats go', () => {
    const team = { kind: 'team' as const, teamId: 't1' };
    const given = [privateAdded, licensedAdded, assigned('open', 'greet', ['ann'], team), assigned('due', 'greet', ['ann'], team, '2026-12-01T00:00:00.000Z'), assigned('lic', 'verbs', ['ann', 'max'], team), assigned('other', 'greet', ['ann'], { kind: 'team', teamId: 't2' })];
    spec(given).when({ type: 'ExtendAssignments', data: { organizationId: org, via: team, userIds: ['mia', 'lee'], now: NOW } }).then([
      { type: 'AssignmentExtended', data: { organizationId: org, assignmentId: 'open', activityId: 'greet', userIds: ['mia', 'lee'] } },
      { type: 'AssignmentExtended', data: { organizationId: org, assignmentId: 'lic', activityId: 'verbs', userIds: ['mia'] } },
      { type: 'AssignmentSeatsShort', data: { organizationId: org, assignmentId: 'lic', activityId: 'verbs', userIds: ['lee'], seats: 3, used: 3 } },
    ]);
    // Handled again (a reactor runs at least once): nothing new.
    const extended: LibraryEvent[] = [
      { type: 'AssignmentExtended', data: { organizationId: org, assignmentId: 'open', activityId: 'greet', userIds: ['mia', 'lee'] } },
      { type: 'AssignmentExtended', data: { organizationId: org, assignmentId: 'lic', activityId: 'verbs', userIds: ['mia'] } },
      { type: 'AssignmentSeatsShort', data: { organizationId: org, assignmentId: 'lic', activityId: 'verbs', userIds: ['lee'], seats: 3, used: 3 } },
    ];
    spec([...given, ...extended]).when({ type: 'ExtendAssignments', data: { organizationId: org, via: team, userIds: ['mia', 'lee'], now: NOW } }).thenNothingHappens();
  });
});

describe('Who a target is, and "Members can\'t access content"', () => {
  const orgState = (extra: OrganizationEvent[] = []) => fold(organizationDecider, [...company, ...extra]) as ExistingOrganization;

  test('a team is its members who learn; everyone is every member who learns (not auditors, not deactivated)', () => {
    const state = orgState([
      teamCreated('t9', 'Readers'),
      joined('t9', 'max', 'mia'),
      { type: 'UserInvited', data: { organizationId: orgId, userId: 'aud', email: 'aud@school.test', firstName: 'A', lastName: 'U', roles: ['auditor'], setupTokenHash: 'h', setupTokenCiphertext: 'c', setupExpiresAt: NOW } },
    ] as OrganizationEvent[]);
    expect(learnersOf(state, { kind: 'team', teamId: 't9' })).toEqual(['max', 'mia']);
    expect(learnersOf(state, { kind: 'everyone' })).not.toContain('aud');
    expect(learnersOf(state, { kind: 'everyone' })).toContain('pat'); // invited: assigned, reaches it once set up
    expect(() => learnersOf(state, { kind: 'members', userIds: ['aud'] })).toThrow(/not members who can be assigned content/);
  });

  test('each reason is named: not assigned, membership not active, role, license ended, organization suspended', () => {
    const library = fold(libraryDecider, [privateAdded, licensedAdded, assigned('a1', 'greet', ['max']), assigned('a2', 'verbs', ['max'])]);
    expect(accessTo(orgState(), library, 'max', 'greet', NOW)).toEqual({ canAccess: true, reasons: [], assignmentIds: ['a1'] });
    expect(accessTo(orgState(), library, 'mia', 'greet', NOW).reasons.map((r) => r.reason)).toEqual(['not-assigned']);
    expect(accessTo(orgState(), library, 'pat', 'greet', NOW).reasons.map((r) => r.reason)).toEqual(['membership-not-active', 'not-assigned']);
    expect(accessTo(orgState(), library, 'max', 'verbs', '2027-07-01T00:00:00.000Z').reasons.map((r) => r.reason)).toEqual(['license-expired']);
    const suspended = orgState([{ type: 'OrganizationMarkedInArrears', data: { organizationId: orgId, inArrearsAt: NOW } }]);
    expect(accessTo(suspended, library, 'max', 'greet', NOW).reasons.map((r) => r.reason)).toEqual(['organization-suspended']);
    expect(accessTo(orgState(), library, 'max', 'nope', NOW).reasons.map((r) => r.reason)).toEqual(['activity-not-in-library']);
  });
});

describe('The content a member has', () => {
  const orgState = fold(organizationDecider, company) as ExistingOrganization;

  test('each activity once, however many open assignments give it; the soonest due first, then by title; cancelled ones and others\' left out', () => {
    const library = fold(libraryDecider, [
      privateAdded,
      licensedAdded,
      { type: 'ActivityAdded', data: { organizationId: org, activityId: 'aaa', kind: 'private', license: null, title: 'Alphabet', category: null, languageId: null, activityIri: 'https://school.test/alphabet' } },
      assigned('a1', 'greet', ['max'], { kind: 'members', userIds: ['max'] }, '2026-12-20T23:59:00.000Z'),
      assigned('a2', 'greet', ['max', 'mia'], { kind: 'everyone' }, '2026-12-10T23:59:00.000Z'),
      assigned('a3', 'verbs', ['max']),
      assigned('a4', 'aaa', ['max']),
      assigned('a5', 'aaa', ['mia']),
      assigned('a6', 'verbs', ['max'], { kind: 'members', userIds: ['max'] }, '2026-12-01T23:59:00.000Z'),
      { type: 'AssignmentCancelled', data: { organizationId: org, assignmentId: 'a6', activityId: 'verbs', freed: [] } },
    ]);
    const items = memberContent(orgState, library, 'max', NOW);
    // Greetings is due on the 10th (its soonest); Alphabet and Verbs are not due, by title.
    expect(items.map((i) => [i.activity.title, i.nextDueAt, i.assignments.map((a) => `${a.id}:${a.via}`)])).toEqual([
      ['Greetings', '2026-12-10T23:59:00.000Z', ['a1:members', 'a2:everyone']],
      ['Alphabet', null, ['a4:members']],
      ['Verbs', null, ['a3:members']],
    ]);
    expect(items.every((i) => i.access.canAccess)).toBe(true);
    expect(memberContent(orgState, library, 'mia', NOW).map((i) => i.activity.title)).toEqual(['Greetings', 'Alphabet']);
    expect(memberContent(orgState, library, 'lee', NOW)).toEqual([]);
  });

  test('what stands in the way is said with each activity: a license that ended', () => {
    const library = fold(libraryDecider, [licensedAdded, assigned('a1', 'verbs', ['max'])]);
    expect(memberContent(orgState, library, 'max', '2027-07-01T00:00:00.000Z')[0].access.reasons.map((r) => r.reason)).toEqual(['license-expired']);
  });
});
