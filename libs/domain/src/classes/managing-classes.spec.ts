import { describe, test } from '@jest/globals';
import type { OrganizationEvent } from '../organizations/organization.js';
import { classCreated, org, school, spec } from '../testing/school.js';

describe('Classes', () => {
  test('a class needs a name and an active instructor of the organization', () => {
    spec(school).when({ type: 'CreateClass', data: { classId: 'c1', name: ' Chemistry ', instructorId: 'bea' } }).then([
      { type: 'ClassCreated', data: { organizationId: org, classId: 'c1', name: 'Chemistry', instructorId: 'bea' } },
    ]);
    for (const instructorId of ['ann', 'dan', 'eve', 'stranger'])
      spec(school).when({ type: 'CreateClass', data: { classId: 'c1', name: 'Chemistry', instructorId } }).thenFails('invalid-instructor', { fields: ['instructorId'] });
    spec(school).when({ type: 'CreateClass', data: { classId: 'c1', name: ' ', instructorId: 'bea' } }).thenFails('invalid-class', { fields: ['name'] });
  });

  test('editing records what changed; an archived class is not active and cannot be edited', () => {
    spec(school).when({ type: 'EditClass', data: { classId: 'algebra', name: 'Algebra II', instructorId: 'bea' } }).then([
      { type: 'ClassEdited', data: { organizationId: org, classId: 'algebra', changes: { name: { before: 'Algebra', after: 'Algebra II' }, instructorId: { before: 'cal', after: 'bea' } } } },
    ]);
    const archived: OrganizationEvent = { type: 'ClassArchived', data: { organizationId: org, classId: 'algebra' } };
    spec([...school, archived]).when({ type: 'EditClass', data: { classId: 'algebra', name: 'X', instructorId: 'cal' } }).thenFails('class-archived');
    spec([...school, archived]).when({ type: 'ArchiveClass', data: { classId: 'algebra' } }).thenNothingHappens();
  });
});

describe('Instructors manage their own classes', () => {
  // cal teaches algebra and biology; bea is an instructor and an admin.
  const cal = { id: 'cal', kind: 'member', roles: ['instructor'] };
  const bea = { id: 'bea', kind: 'member', roles: ['admin', 'instructor'] };

  test('an instructor creates classes they teach themselves; an admin for anyone', () => {
    spec(school).when({ type: 'CreateClass', data: { classId: 'chem', name: 'Chemistry', instructorId: 'bea', actor: cal } }).thenFails('forbidden');
    spec(school).when({ type: 'CreateClass', data: { classId: 'chem', name: 'Chemistry', instructorId: 'cal', actor: bea } }).then([
      { type: 'ClassCreated', data: { organizationId: org, classId: 'chem', name: 'Chemistry', instructorId: 'cal' } },
    ]);
  });

  test("another instructor's class does not exist for them; only an admin gives a class away", () => {
    const beaTeaches = [...school, classCreated('drama', 'bea', 'Drama')];
    spec(beaTeaches).when({ type: 'ArchiveClass', data: { classId: 'drama', actor: cal } }).thenFails('class-not-found', { kind: 'not-found' });
    spec(beaTeaches).when({ type: 'EditClass', data: { classId: 'drama', name: 'Theatre', actor: cal } }).thenFails('class-not-found', { kind: 'not-found' });
    spec(school).when({ type: 'EditClass', data: { classId: 'algebra', instructorId: 'bea', actor: cal } }).thenFails('forbidden');
    spec(school).when({ type: 'EditClass', data: { classId: 'algebra', name: 'Algebra I', actor: cal } }).then([
      { type: 'ClassEdited', data: { organizationId: org, classId: 'algebra', changes: { name: { before: 'Algebra', after: 'Algebra I' } } } },
    ]);
  });
});

describe('The language a class is taught in (issue 18)', () => {
  const teaches: OrganizationEvent = { type: 'OrganizationLanguagesChanged', data: { organizationId: org, before: [], after: ['en', 'oj'], holders: { en: 'k-en', oj: 'k-oj' }, released: {} } };

  test('one of the languages the organization teaches, or none', () => {
    spec([...school, teaches]).when({ type: 'CreateClass', data: { classId: 'c1', name: 'Ojibwe I', instructorId: 'bea', languageId: 'oj' } }).then([
      { type: 'ClassCreated', data: { organizationId: org, classId: 'c1', name: 'Ojibwe I', instructorId: 'bea', languageId: 'oj' } },
    ]);
    spec([...school, teaches]).when({ type: 'CreateClass', data: { classId: 'c1', name: 'Cree I', instructorId: 'bea', languageId: 'cr' } }).thenFails('language-not-taught', { fields: ['languageId'] });
    spec(school).when({ type: 'CreateClass', data: { classId: 'c1', name: 'Ojibwe I', instructorId: 'bea', languageId: 'oj' } }).thenFails('language-not-taught', { fields: ['languageId'] });
  });

  test('editing it records before and after; null takes it away', () => {
    const ojibweClass: OrganizationEvent = { type: 'ClassCreated', data: { organizationId: org, classId: 'c1', name: 'Ojibwe I', instructorId: 'bea', languageId: 'oj' } };
    spec([...school, teaches, ojibweClass]).when({ type: 'EditClass', data: { classId: 'c1', languageId: 'en' } }).then([
      { type: 'ClassEdited', data: { organizationId: org, classId: 'c1', changes: { languageId: { before: 'oj', after: 'en' } } } },
    ]);
    spec([...school, teaches, ojibweClass]).when({ type: 'EditClass', data: { classId: 'c1', languageId: null } }).then([
      { type: 'ClassEdited', data: { organizationId: org, classId: 'c1', changes: { languageId: { before: 'oj', after: null } } } },
    ]);
  });

  test('the organization cannot drop a language an active class is taught in (409 with the classes); archived classes lose it with the change', () => {
    const ojibweClass: OrganizationEvent = { type: 'ClassCreated', data: { organizationId: org, classId: 'c1', name: 'Ojibwe I', instructorId: 'bea', languageId: 'oj' } };
    spec([...school, teaches, ojibweClass]).when({ type: 'SetOrganizationLanguages', data: { languageIds: ['en'], holders: {} } }).thenFails('language-taught-in-classes', {
      kind: 'conflict',
      details: { classes: [{ id: 'c1', name: 'Ojibwe I', languageId: 'oj' }] },
    });
    const archived: OrganizationEvent = { type: 'ClassArchived', data: { organizationId: org, classId: 'c1' } };
    spec([...school, teaches, ojibweClass, archived]).when({ type: 'SetOrganizationLanguages', data: { languageIds: ['en'], holders: {} } }).then([
      {
        type: 'OrganizationLanguagesChanged',
        data: { organizationId: org, before: ['en', 'oj'], after: ['en'], holders: { en: 'k-en' }, released: { oj: 'k-oj' }, archivedClassesCleared: [{ classId: 'c1', languageId: 'oj' }] },
      },
    ]);
  });
});

describe('Students of a class (issue 19)', () => {
  // In the school, dan is invited (not set up yet) and eve is deactivated.
  test('members who learn join a class; joining twice changes nothing; others are refused by name', () => {
    spec(school).when({ type: 'AddClassStudents', data: { classId: 'algebra', userIds: ['bea', 'bea'] } }).then([
      { type: 'ClassStudentsAdded', data: { organizationId: org, classId: 'algebra', userIds: ['bea'] } },
    ]);
    const joined: OrganizationEvent = { type: 'ClassStudentsAdded', data: { organizationId: org, classId: 'algebra', userIds: ['bea'] } };
    spec([...school, joined]).when({ type: 'AddClassStudents', data: { classId: 'algebra', userIds: ['bea'] } }).thenNothingHappens();
    spec(school).when({ type: 'AddClassStudents', data: { classId: 'algebra', userIds: ['bea', 'stranger'] } }).thenFails('invalid-class', { fields: ['userIds'] });
    spec(school).when({ type: 'AddClassStudents', data: { classId: 'algebra', userIds: ['eve'] } }).thenFails('invalid-class', { fields: ['userIds'] });
    // Invited and not set up yet: a student already, who reaches the content once set up.
    spec(school).when({ type: 'AddClassStudents', data: { classId: 'algebra', userIds: ['dan'] } }).then([{ type: 'ClassStudentsAdded', data: { organizationId: org, classId: 'algebra', userIds: ['dan'] } }]);
  });

  test('a student leaves; an archived class takes no one; an instructor manages the students of their own classes only', () => {
    const joined: OrganizationEvent = { type: 'ClassStudentsAdded', data: { organizationId: org, classId: 'algebra', userIds: ['bea'] } };
    spec([...school, joined]).when({ type: 'RemoveClassStudent', data: { classId: 'algebra', userId: 'bea' } }).then([{ type: 'ClassStudentRemoved', data: { organizationId: org, classId: 'algebra', userId: 'bea' } }]);
    spec([...school, { type: 'ClassArchived', data: { organizationId: org, classId: 'algebra' } }]).when({ type: 'AddClassStudents', data: { classId: 'algebra', userIds: ['bea'] } }).thenFails('class-archived');
    spec([...school, classCreated('drama', 'bea')]).when({ type: 'AddClassStudents', data: { classId: 'drama', userIds: ['bea'], actor: { id: 'cal', kind: 'member', roles: ['instructor'] } } }).thenFails('class-not-found', { kind: 'not-found' });
  });
});
