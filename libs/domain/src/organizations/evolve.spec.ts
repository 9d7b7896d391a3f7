import { DEFAULT_PROFILE } from './profile.js';
import { describe, expect, test } from '@jest/globals';
import { MEMBERSHIP_EVENT_TYPES } from '../members/membership.js';
import { organizationDecider } from './organization.decider.js';
import { ORGANIZATION_EVENT_TYPES, type OrganizationEvent, type OrganizationState } from './organization.js';
import { SSO_EVENT_TYPES, ssoIdentityKey, type SsoProviderSettings } from '../sso/sso.js';

/**
 * The fold of every event type of an organization's stream, one at a time: what each
 * event changes in the state the rules read. A type added to the domain's lists but not
 * here fails the first test.
 */
const org = 'org-1';
const now = '2026-11-30T00:00:00.000Z';
const settings: SsoProviderSettings = {
  displayName: 'IdP',
  protocol: 'saml',
  issuer: 'https://idp.test',
  allowedDomains: ['school.test'],
  clientId: null,
  scopes: [],
  ssoUrl: 'https://idp.test/sso',
  idpCertificate: 'PEM',
  enabled: true,
  requireSso: false,
  autoLinkVerifiedEmail: false,
  allowIdpInitiated: false,
};
const invited = (userId: string, roles: ('admin' | 'instructor' | 'auditor')[] = ['instructor']): OrganizationEvent => ({
  type: 'UserInvited',
  data: { organizationId: org, userId, email: `${userId}@school.test`, firstName: 'F', lastName: 'L', roles, setupTokenHash: 'h1', setupTokenCiphertext: 'c1', setupExpiresAt: now },
});

type Existing = Extract<OrganizationState, { status: 'existing' }>;
const fold = (...events: OrganizationEvent[]): Existing => {
  const state = events.reduce(organizationDecider.evolve, organizationDecider.initialState());
  if (state.status !== 'existing') throw new Error('no organization');
  return state;
};
const created: OrganizationEvent = { type: 'OrganizationCreated', data: { organizationId: org, name: 'School', description: null, timeZone: 'UTC', profile: DEFAULT_PROFILE, slug: null, createdAt: now } };
const setUp = (userId: string): OrganizationEvent => ({ type: 'UserSetupCompleted', data: { organizationId: org, userId, passwordHash: 'ph' } });
const classCreated: OrganizationEvent = { type: 'ClassCreated', data: { organizationId: org, classId: 'c1', name: 'Algebra', instructorId: 'ann' } };
const added: OrganizationEvent = { type: 'SsoProviderAdded', data: { organizationId: org, providerId: 'p1', settings, clientSecretCiphertext: null } };

/** One case per event type: the events before it, the event, and what must hold after. */
const CASES: Record<string, { given: OrganizationEvent[]; event: OrganizationEvent; then: (s: Existing) => void }> = {
  OrganizationCreated: { given: [], event: created, then: (s) => expect({ name: s.name, timeZone: s.timeZone, version: s.version, members: s.members.size }).toEqual({ name: 'School', timeZone: 'UTC', version: 0, members: 0 }) },
  OrganizationSettingsUpdated: {
    given: [created],
    event: { type: 'OrganizationSettingsUpdated', data: { organizationId: org, changes: { name: { before: 'School', after: 'Academy' }, description: { before: null, after: 'K-12' } } } },
    then: (s) => expect({ name: s.name, description: s.description, timeZone: s.timeZone, version: s.version }).toEqual({ name: 'Academy', description: 'K-12', timeZone: 'UTC', version: 1 }),
  },
  OrganizationSlugChanged: {
    given: [created, { type: 'OrganizationSlugChanged', data: { organizationId: org, before: null, after: 'school', redirectUntil: null } }],
    event: { type: 'OrganizationSlugChanged', data: { organizationId: org, before: 'school', after: 'academy', redirectUntil: '2027-03-01T00:00:00.000Z' } },
    then: (s) =>
      expect({ slug: s.slug, previous: s.previousSlugs, version: s.version }).toEqual({ slug: 'academy', previous: [{ slug: 'school', until: '2027-03-01T00:00:00.000Z' }], version: 2 }),
  },
  OrganizationDeletionRequested: {
    given: [created],
    event: { type: 'OrganizationDeletionRequested', data: { organizationId: org, name: 'School', requestedAt: now, purgeAt: '2026-12-31T00:00:00.000Z' } },
    then: (s) => expect({ deletion: s.deletion, version: s.version }).toEqual({ deletion: { requestedAt: now, purgeAt: '2026-12-31T00:00:00.000Z' }, version: 1 }),
  },
  OrganizationRestored: {
    given: [created, { type: 'OrganizationDeletionRequested', data: { organizationId: org, name: 'School', requestedAt: now, purgeAt: '2026-12-31T00:00:00.000Z' } }],
    event: { type: 'OrganizationRestored', data: { organizationId: org, deletionRequestedAt: now } },
    then: (s) => expect({ deletion: s.deletion, version: s.version }).toEqual({ deletion: null, version: 2 }),
  },
  OrganizationSettingsChanged: {
    given: [created],
    event: { type: 'OrganizationSettingsChanged', data: { organizationId: org, changes: { visibility: { before: 'private', after: 'hidden' }, 'branding.primaryColor': { before: null, after: '#1a73e8' } } } },
    then: (s) =>
      expect({ visibility: s.settings.visibility, primary: s.settings.branding.primaryColor, settingsVersion: s.settingsVersion, version: s.version }).toEqual({ visibility: 'hidden', primary: '#1a73e8', settingsVersion: 1, version: 0 }),
  },
  OrganizationLanguagesChanged: {
    given: [created],
    event: { type: 'OrganizationLanguagesChanged', data: { organizationId: org, before: [], after: ['oj', 'en'], holders: { oj: 'k-oj', en: 'k-en' }, released: {} } },
    then: (s) => expect({ languageIds: s.languageIds, holders: s.languageHolders, version: s.version }).toEqual({ languageIds: ['oj', 'en'], holders: { oj: 'k-oj', en: 'k-en' }, version: 1 }),
  },
  EmailDomainAdded: {
    given: [created],
    event: { type: 'EmailDomainAdded', data: { organizationId: org, domain: 'school.test', token: 't1', addedAt: now } },
    then: (s) => expect(s.emailDomains['school.test']).toEqual({ domain: 'school.test', token: 't1', status: 'pending', addedAt: now, verifiedAt: null }),
  },
  EmailDomainVerified: {
    given: [created, { type: 'EmailDomainAdded', data: { organizationId: org, domain: 'school.test', token: 't1', addedAt: now } }],
    event: { type: 'EmailDomainVerified', data: { organizationId: org, domain: 'school.test', verifiedAt: now } },
    then: (s) => expect([s.emailDomains['school.test'].status, s.emailDomains['school.test'].verifiedAt]).toEqual(['verified', now]),
  },
  EmailDomainRemoved: {
    given: [created, { type: 'EmailDomainAdded', data: { organizationId: org, domain: 'school.test', token: 't1', addedAt: now } }],
    event: { type: 'EmailDomainRemoved', data: { organizationId: org, domain: 'school.test', wasVerified: false } },
    then: (s) => expect(s.emailDomains).toEqual({}),
  },
  OrganizationLogoChanged: {
    given: [created],
    event: { type: 'OrganizationLogoChanged', data: { organizationId: org, logo: { sha256: 'a'.repeat(64), contentType: 'image/png', size: 10 } } },
    then: (s) => expect({ logo: s.logo?.sha256, version: s.version }).toEqual({ logo: 'a'.repeat(64), version: 1 }),
  },
  OrganizationLogoRemoved: {
    given: [created, { type: 'OrganizationLogoChanged', data: { organizationId: org, logo: { sha256: 'a'.repeat(64), contentType: 'image/png', size: 10 } } }],
    event: { type: 'OrganizationLogoRemoved', data: { organizationId: org } },
    then: (s) => expect({ logo: s.logo, version: s.version }).toEqual({ logo: null, version: 2 }),
  },
  OrganizationMarkedInArrears: { given: [created], event: { type: 'OrganizationMarkedInArrears', data: { organizationId: org, inArrearsAt: now } }, then: (s) => expect(s.inArrearsAt).toBe(now) },
  OrganizationArrearsCleared: {
    given: [created, { type: 'OrganizationMarkedInArrears', data: { organizationId: org, inArrearsAt: now } }],
    event: { type: 'OrganizationArrearsCleared', data: { organizationId: org, wasInArrearsSince: now } },
    then: (s) => expect(s.inArrearsAt).toBeNull(),
  },
  OrganizationSessionPolicyChanged: {
    given: [created],
    event: { type: 'OrganizationSessionPolicyChanged', data: { organizationId: org, before: { idleTimeoutMinutes: 60, absoluteTimeoutHours: 12 }, after: { idleTimeoutMinutes: 15, absoluteTimeoutHours: 8 } } },
    then: (s) => expect(s.sessionPolicy).toEqual({ idleTimeoutMinutes: 15, absoluteTimeoutHours: 8 }),
  },
  OrganizationIpRestrictionsChanged: {
    given: [created],
    event: { type: 'OrganizationIpRestrictionsChanged', data: { organizationId: org, before: [], after: ['203.0.113.0/24'] } },
    then: (s) => expect([s.ipRanges, s.version]).toEqual([['203.0.113.0/24'], 1]),
  },
  UserInvited: {
    given: [created],
    event: invited('ann'),
    then: (s) => {
      expect(s.members.get('ann')).toMatchObject({ status: 'setupPending', passwordSet: false, roles: ['instructor'], setupTokenHash: 'h1', version: 0 });
      expect(s.emails.get('ann@school.test')).toBe('ann');
      expect(s.version).toBe(0);
    },
  },
  UserInvitationResent: {
    given: [created, invited('ann')],
    event: { type: 'UserInvitationResent', data: { organizationId: org, userId: 'ann', email: 'anna@school.test', previousEmail: 'ann@school.test', setupTokenHash: 'h2', setupTokenCiphertext: 'c2', setupExpiresAt: now } },
    then: (s) => {
      expect(s.members.get('ann')).toMatchObject({ email: 'anna@school.test', setupTokenHash: 'h2', version: 1 });
      expect([s.emails.get('anna@school.test'), s.emails.has('ann@school.test')]).toEqual(['ann', false]);
    },
  },
  UserSetupCompleted: { given: [created, invited('ann')], event: setUp('ann'), then: (s) => expect(s.members.get('ann')).toMatchObject({ status: 'active', passwordSet: true, setupTokenHash: null, version: 1 }) },
  PasswordChanged: {
    given: [created, invited('ann'), setUp('ann')],
    event: { type: 'PasswordChanged', data: { organizationId: org, userId: 'ann', passwordHash: 'ph2' } },
    then: (s) => expect(s.members.get('ann')).toMatchObject({ status: 'active', passwordSet: true, version: 1 }),
  },
  UserEdited: {
    given: [created, invited('ann'), setUp('ann')],
    event: { type: 'UserEdited', data: { organizationId: org, userId: 'ann', changes: { roles: { before: ['instructor'], after: ['admin'] } }, profile: { firstName: 'F', lastName: 'L', roles: ['admin'] } } },
    then: (s) => expect(s.members.get('ann')).toMatchObject({ roles: ['admin'], version: 2 }),
  },
  ClassReassigned: {
    given: [created, invited('ann'), setUp('ann'), invited('bob'), setUp('bob'), classCreated],
    event: { type: 'ClassReassigned', data: { organizationId: org, classId: 'c1', fromInstructorId: 'ann', toInstructorId: 'bob' } },
    then: (s) => expect(s.classes.get('c1')).toMatchObject({ instructorId: 'bob', status: 'active', version: 1 }),
  },
  UserDeactivated: {
    given: [created, invited('ann'), setUp('ann')],
    event: { type: 'UserDeactivated', data: { organizationId: org, userId: 'ann', classesReassignedTo: null } },
    then: (s) => expect(s.members.get('ann')).toMatchObject({ status: 'deactivated', version: 2 }),
  },
  UserReactivated: {
    given: [created, invited('ann'), setUp('ann'), { type: 'UserDeactivated', data: { organizationId: org, userId: 'ann', classesReassignedTo: null } }],
    event: { type: 'UserReactivated', data: { organizationId: org, userId: 'ann' } },
    then: (s) => expect(s.members.get('ann')).toMatchObject({ status: 'active', version: 3 }),
  },
  UserSessionsEnded: {
    given: [created, invited('ann'), setUp('ann')],
    event: { type: 'UserSessionsEnded', data: { organizationId: org, userId: 'ann', endedAt: now } },
    // Sessions live outside the stream; the user's representation (and its ETag) stay as they were.
    then: (s) => expect(s.members.get('ann')).toMatchObject({ status: 'active', version: 1 }),
  },
  UserDeleted: {
    given: [created, invited('ann')],
    event: { type: 'UserDeleted', data: { organizationId: org, userId: 'ann', email: 'ann@school.test' } },
    then: (s) => expect([s.members.has('ann'), s.emails.has('ann@school.test')]).toEqual([false, false]),
  },
  UserRemoved: {
    given: [created, invited('ann'), setUp('ann'), { type: 'UserDeactivated', data: { organizationId: org, userId: 'ann', classesReassignedTo: null } }],
    event: { type: 'UserRemoved', data: { organizationId: org, userId: 'ann', dataHandling: 'keep', transferredTo: null } },
    then: (s) =>
      expect([s.members.get('ann'), s.emails.has('ann@school.test')]).toEqual([expect.objectContaining({ email: 'ann@school.test', firstName: 'F', status: 'deactivated', removed: true, version: 3 }), false]),
  },
  UserErased: {
    given: [created, invited('ann'), setUp('ann'), { type: 'UserDeactivated', data: { organizationId: org, userId: 'ann', classesReassignedTo: null } }],
    event: { type: 'UserErased', data: { organizationId: org, userId: 'ann', erasedAt: now } },
    then: (s) =>
      expect([s.members.get('ann'), s.emails.has('ann@school.test')]).toEqual([
        expect.objectContaining({ email: 'erased-ann@erased.invalid', firstName: 'erased', lastName: 'erased', status: 'deactivated', erased: true, version: 3 }),
        false,
      ]),
  },
  ClassCreated: { given: [created, invited('ann'), setUp('ann')], event: classCreated, then: (s) => expect(s.classes.get('c1')).toEqual({ id: 'c1', name: 'Algebra', instructorId: 'ann', status: 'active', languageId: null, studentIds: [], version: 0 }) },
  ClassStudentsAdded: {
    given: [created, invited('ann'), setUp('ann'), classCreated],
    event: { type: 'ClassStudentsAdded', data: { organizationId: org, classId: 'c1', userIds: ['s1', 's2'] } },
    then: (s) => expect([s.classes.get('c1')!.studentIds, s.classes.get('c1')!.version]).toEqual([['s1', 's2'], 1]),
  },
  ClassStudentRemoved: {
    given: [created, invited('ann'), setUp('ann'), classCreated, { type: 'ClassStudentsAdded', data: { organizationId: org, classId: 'c1', userIds: ['s1', 's2'] } }],
    event: { type: 'ClassStudentRemoved', data: { organizationId: org, classId: 'c1', userId: 's1' } },
    then: (s) => expect(s.classes.get('c1')!.studentIds).toEqual(['s2']),
  },
  ClassEdited: {
    given: [created, invited('ann'), setUp('ann'), classCreated],
    event: { type: 'ClassEdited', data: { organizationId: org, classId: 'c1', changes: { name: { before: 'Algebra', after: 'Algebra I' } } } },
    then: (s) => expect(s.classes.get('c1')).toMatchObject({ name: 'Algebra I', instructorId: 'ann', version: 1 }),
  },
  ClassArchived: {
    given: [created, invited('ann'), setUp('ann'), classCreated],
    event: { type: 'ClassArchived', data: { organizationId: org, classId: 'c1' } },
    then: (s) => expect(s.classes.get('c1')).toMatchObject({ status: 'archived', version: 1 }),
  },
  SsoProviderAdded: { given: [created], event: added, then: (s) => expect(s.ssoProviders.get('p1')).toMatchObject({ displayName: 'IdP', version: 0 }) },
  SsoProviderUpdated: {
    given: [created, added],
    event: { type: 'SsoProviderUpdated', data: { organizationId: org, providerId: 'p1', changes: {}, secretReplaced: false, clientSecretCiphertext: null, settings: { ...settings, displayName: 'Renamed' } } },
    then: (s) => expect(s.ssoProviders.get('p1')).toMatchObject({ displayName: 'Renamed', version: 1 }),
  },
  SsoProviderRemoved: {
    given: [created, invited('ann'), added, { type: 'SsoIdentityLinked', data: { organizationId: org, providerId: 'p1', subject: 's1', userId: 'ann', email: 'ann@school.test' } }],
    event: { type: 'SsoProviderRemoved', data: { organizationId: org, providerId: 'p1', displayName: 'IdP', unlinkedUserIds: ['ann'] } },
    then: (s) => expect([s.ssoProviders.has('p1'), s.ssoIdentities.size]).toEqual([false, 0]),
  },
  SsoIdentityLinked: {
    given: [created, invited('ann'), added],
    event: { type: 'SsoIdentityLinked', data: { organizationId: org, providerId: 'p1', subject: 's1', userId: 'ann', email: 'ann@school.test', method: 'admin' } },
    then: (s) => expect(s.ssoIdentities.get(ssoIdentityKey('p1', 's1'))).toBe('ann'),
  },
  SsoIdpInitiatedSignInReceived: {
    given: [created, added],
    event: { type: 'SsoIdpInitiatedSignInReceived', data: { organizationId: org, providerId: 'p1', subject: 's1', email: 'ann@school.test' } },
    // Recorded for the audit trail; it links no one and changes no provider.
    then: (s) => expect([s.ssoIdentities.size, s.ssoProviders.get('p1')?.version]).toEqual([0, 0]),
  },
};

describe('The fold of every event of an organization stream', () => {
  test('every event type the domain lists has a case here', () => {
    // The purge ends the organization: its case is the test below.
    expect(Object.keys(CASES).sort()).toEqual([...ORGANIZATION_EVENT_TYPES, ...MEMBERSHIP_EVENT_TYPES, ...SSO_EVENT_TYPES].filter((t) => t !== 'OrganizationPurged').sort());
  });

  test('OrganizationPurged leaves only the id, taken for good, and ignores anything after it', () => {
    const purged: OrganizationEvent = { type: 'OrganizationPurged', data: { organizationId: org, purgedAt: now, deletionRequestedAt: now, slugs: [], languageIds: [] } };
    const state = organizationDecider.evolveAll!(organizationDecider.initialState(), [created, invited('ann'), purged, invited('bob')]);
    expect(state).toEqual({ status: 'purged', id: org, purgedAt: now });
  });

  test.each(Object.entries(CASES))('%s', (_type, { given, event, then }) => {
    then(fold(...given, event));
  });
});

describe('Evolve returns new state', () => {
  const snapshot = (state: Existing) => JSON.stringify({ ...state, members: [...state.members], classes: [...state.classes], emails: [...state.emails], ssoProviders: [...state.ssoProviders], ssoIdentities: [...state.ssoIdentities] });

  test('the state it is given stays as it was, one event at a time and many at once', () => {
    const before = fold(created, invited('ann'), setUp('ann'), classCreated, invited('bob'));
    const seen = snapshot(before);
    const later: OrganizationEvent[] = [
      { type: 'UserDeleted', data: { organizationId: org, userId: 'bob', email: 'bob@school.test' } },
      invited('cid'),
      { type: 'ClassArchived', data: { organizationId: org, classId: 'c1' } },
      { type: 'OrganizationSettingsUpdated', data: { organizationId: org, changes: { name: { before: 'School', after: 'Academy' } } } },
      { type: 'SsoProviderAdded', data: { organizationId: org, providerId: 'p1', settings, clientSecretCiphertext: null } },
    ];
    const one = later.reduce(organizationDecider.evolve, before as OrganizationState) as Existing;
    const all = organizationDecider.evolveAll!(before, later) as Existing;
    expect(snapshot(before)).toBe(seen);
    expect(snapshot(all)).toBe(snapshot(one));
    expect(one).toMatchObject({ name: 'Academy' });
    expect([...one.members.keys()]).toEqual(['ann', 'cid']);
    expect(before.members.has('bob')).toBe(true);
    expect(before.classes.get('c1')?.status).toBe('active');
  });
});
