import { assertNever, eventTypes, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { FieldErrors, lengthOf } from '../shared/validation.js';
import { emailKey, storedEmail } from '../shared/email.js';
import type { OrganizationRole } from '../access/permissions.js';
import type { MapDraft } from '../shared/persistent-map.js';
import { ERASED, erasedValue } from '../personal-data/personal-fields.js';

/**
 * Members and classes of one organization. They live in the organization's stream
 * because the guide's rules read them together: the last active admin, one's own
 * admin role, an instructor's active classes and the reassignment target are all
 * decided on one consistent state, under one expected revision.
 */
export const MEMBER_RULES = { nameMax: 255, classNameMax: 255 } as const;
export const ORGANIZATION_ROLES: readonly OrganizationRole[] = ['owner', 'admin', 'instructor', 'auditor', 'analyst', 'member'];
export const ROLES_MESSAGE = 'roles must be owner, admin, instructor, auditor, analyst or member';

export const MEMBER_STATUSES = ['setupPending', 'active', 'deactivated'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface Member {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: OrganizationRole[];
  status: MemberStatus;
  passwordSet: boolean;
  setupTokenHash: string | null;
  setupExpiresAt: string | null;
  /** The user's own version (its ETag): 0 when invited, one more for each change to it. */
  version: number;
  /** Erased (issue 20): the names and email above are their erased forms. */
  erased?: boolean;
  /** Removed (issue 20): a former member, deactivated for good; their address is free. */
  removed?: boolean;
}

export interface ClassRecord {
  id: string;
  name: string;
  instructorId: string;
  status: 'active' | 'archived';
  /** The language it is taught in (one the organization teaches), or none. */
  languageId: string | null;
  /** Its students (members who learn in it). */
  studentIds: readonly string[];
  /** The class's own version (its ETag): 0 when created, one more for each change to it. */
  version: number;
}

/** A setup token as the log keeps it: its hash to check, its ciphertext for the mailer. */
export interface SetupTokenRecord {
  hash: string;
  ciphertext: string;
  expiresAt: string;
}

// ---- Commands ----------------------------------------------------------------------
export type MembershipCommand =
  /** `actorId`: who invites (an owner is invited by an owner or a super admin); absent for the platform itself. */
  | { type: 'InviteUser'; data: { userId: string; email: string; firstName: string; lastName: string; roles: string[]; setupToken: SetupTokenRecord; actorId?: string } }
  | { type: 'ResendInvitation'; data: { userId: string; email?: string; setupToken: SetupTokenRecord } }
  | { type: 'CompleteUserSetup'; data: { userId: string; tokenHash: string; passwordHash: string; now: string } }
  /** A member changes their own password (members/changing-password.ts). */
  | { type: 'ChangePassword'; data: { userId: string; actorId: string; passwordHash: string } }
  /** A merge patch: absent fields stay as they are. */
  | { type: 'EditUser'; data: { userId: string; actorId: string; firstName?: string; lastName?: string; roles?: string[] } }
  | { type: 'DeactivateUser'; data: { userId: string; actorId: string; reassignTo?: string } }
  | { type: 'ReactivateUser'; data: { userId: string } }
  | { type: 'EndUserSessions'; data: { userId: string; now: string } }
  | { type: 'DeleteUser'; data: { userId: string; actorId?: string } }
  /** Ends a membership with a choice of what happens to what they hold (members/removing-user.ts). */
  | { type: 'RemoveUser'; data: { userId: string; actorId?: string; dataHandling: 'keep' | 'transfer' | 'erase'; transferTo?: string } }
  /** Erases a deactivated member's personal data (members/erasing-user.ts). */
  | { type: 'EraseUser'; data: { userId: string; actorId?: string; now: string } }
  /** The actor, an owner, hands the organization to another active member (members/owners.ts). */
  | { type: 'TransferOwnership'; data: { actorId: string; toUserId: string } }
  /** `actor`: who asks (classes/managing-classes.ts: an instructor manages their own classes only); absent for the platform itself. */
  | { type: 'CreateClass'; data: { classId: string; name: string; instructorId: string; languageId?: string | null; actor?: ClassActor } }
  /** A merge patch: absent fields stay as they are. */
  | { type: 'EditClass'; data: { classId: string; name?: string; instructorId?: string; languageId?: string | null; actor?: ClassActor } }
  | { type: 'ArchiveClass'; data: { classId: string; actor?: ClassActor } }
  /** Students join a class (issue 19: content is assigned to a class's students). */
  | { type: 'AddClassStudents'; data: { classId: string; userIds: string[]; actor?: ClassActor } }
  | { type: 'RemoveClassStudent'; data: { classId: string; userId: string; actor?: ClassActor } };

/** Who manages a class: a member (with their roles) or a super admin. */
export interface ClassActor {
  id: string;
  kind: string;
  roles?: readonly string[];
}

// ---- Events ------------------------------------------------------------------------
interface Change<T> {
  before: T;
  after: T;
}
type WithOrg<T> = T & { organizationId: string };

export type MembershipEvent =
  | DomainEvent<
      'UserInvited',
      WithOrg<{ userId: string; email: string; firstName: string; lastName: string; roles: OrganizationRole[]; setupTokenHash: string; setupTokenCiphertext: string; setupExpiresAt: string }>
    >
  | DomainEvent<
      'UserInvitationResent',
      WithOrg<{ userId: string; email: string; previousEmail: string | null; setupTokenHash: string; setupTokenCiphertext: string; setupExpiresAt: string }>
    >
  | DomainEvent<'UserSetupCompleted', WithOrg<{ userId: string; passwordHash: string }>>
  /** Only the new hash enters the log (the audit trail redacts it). */
  | DomainEvent<'PasswordChanged', WithOrg<{ userId: string; passwordHash: string }>>
  | DomainEvent<
      'UserEdited',
      WithOrg<{
        userId: string;
        changes: { firstName?: Change<string>; lastName?: Change<string>; roles?: Change<OrganizationRole[]> };
        /** The profile after the edit, so readers need not fold the history to know it. */
        profile: { firstName: string; lastName: string; roles: OrganizationRole[] };
        /** Why, when the edit is part of a larger step. */
        via?: 'ownership-transfer';
      }>
    >
  | DomainEvent<'ClassReassigned', WithOrg<{ classId: string; fromInstructorId: string; toInstructorId: string }>>
  /** Ends every session of the user (enforced by the access layer, which reads the state). */
  | DomainEvent<'UserDeactivated', WithOrg<{ userId: string; classesReassignedTo: string | null }>>
  | DomainEvent<'UserReactivated', WithOrg<{ userId: string }>>
  /** Every session the user started before `endedAt` stops working (an admin signed them out everywhere). */
  | DomainEvent<'UserSessionsEnded', WithOrg<{ userId: string; endedAt: string }>>
  | DomainEvent<'UserDeleted', WithOrg<{ userId: string; email: string }>>
  /** The membership ended (issue 20): a former member, deactivated, kept with `dataHandling`'s choice. */
  | DomainEvent<'UserRemoved', WithOrg<{ userId: string; dataHandling: 'keep' | 'transfer' | 'erase'; transferredTo: string | null }>>
  /** The member's keys are destroyed: every personal value about them reads as erased from now on (issue 20). */
  | DomainEvent<'UserErased', WithOrg<{ userId: string; erasedAt: string }>>
  | DomainEvent<'ClassCreated', WithOrg<{ classId: string; name: string; instructorId: string; languageId?: string | null }>>
  | DomainEvent<'ClassEdited', WithOrg<{ classId: string; changes: { name?: Change<string>; instructorId?: Change<string>; languageId?: Change<string | null> } }>>
  | DomainEvent<'ClassArchived', WithOrg<{ classId: string }>>
  | DomainEvent<'ClassStudentsAdded', WithOrg<{ classId: string; userIds: string[] }>>
  | DomainEvent<'ClassStudentRemoved', WithOrg<{ classId: string; userId: string }>>;

export const MEMBERSHIP_EVENT_TYPES = eventTypes<MembershipEvent>({
  UserInvited: true,
  UserInvitationResent: true,
  UserSetupCompleted: true,
  PasswordChanged: true,
  UserEdited: true,
  ClassReassigned: true,
  UserDeactivated: true,
  UserReactivated: true,
  UserSessionsEnded: true,
  UserDeleted: true,
  UserErased: true,
  UserRemoved: true,
  ClassCreated: true,
  ClassEdited: true,
  ClassArchived: true,
  ClassStudentsAdded: true,
  ClassStudentRemoved: true,
});

export interface MembershipState {
  id: string;
  members: ReadonlyMap<string, Member>;
  classes: ReadonlyMap<string, ClassRecord>;
  /** Email key (shared/email.ts) -> user id: the in-organization uniqueness check stays O(1) for 100,000 members. */
  emails: ReadonlyMap<string, string>;
}

/** The maps of an organization being evolved: drafts that change in place until done (shared/persistent-map.ts). */
export interface MembershipDraft {
  members: MapDraft<Member>;
  classes: MapDraft<ClassRecord>;
  emails: MapDraft<string>;
}

// ---- Helpers -----------------------------------------------------------------------
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validPerson(input: { email?: string; firstName: string; lastName: string; roles: string[] }): {
  email?: string;
  firstName: string;
  lastName: string;
  roles: OrganizationRole[];
} {
  const errors = new FieldErrors();
  const email = input.email === undefined ? undefined : storedEmail(input.email);
  if (input.email !== undefined && (!email || email.length > 254 || !EMAIL_PATTERN.test(email))) errors.add('email', 'email must be a valid address');
  const firstName = typeof input.firstName === 'string' ? input.firstName.trim() : '';
  const lastName = typeof input.lastName === 'string' ? input.lastName.trim() : '';
  if (!firstName) errors.add('firstName', 'firstName is required');
  else if (lengthOf(firstName) > MEMBER_RULES.nameMax) errors.add('firstName', `firstName must be at most ${MEMBER_RULES.nameMax} characters`);
  if (!lastName) errors.add('lastName', 'lastName is required');
  else if (lengthOf(lastName) > MEMBER_RULES.nameMax) errors.add('lastName', `lastName must be at most ${MEMBER_RULES.nameMax} characters`);
  const roles = [...new Set(input.roles ?? [])];
  if (roles.length === 0) errors.add('roles', 'at least one role is required');
  else if (roles.some((r) => !ORGANIZATION_ROLES.includes(r as OrganizationRole))) errors.add('roles', ROLES_MESSAGE);
  // An owner is an admin with more: the admin role comes with it.
  if (roles.includes('owner') && !roles.includes('admin')) roles.push('admin');
  if (errors.any) throw new ValidationFailed('invalid-user', errors.errors);
  // A stable order, so an edit that lists the same roles differently changes nothing.
  return { email, firstName, lastName, roles: ORGANIZATION_ROLES.filter((r) => roles.includes(r)) };
}

export function validClassName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  const errors = new FieldErrors();
  if (!trimmed) errors.add('name', 'name is required');
  else if (lengthOf(trimmed) > MEMBER_RULES.classNameMax) errors.add('name', `name must be at most ${MEMBER_RULES.classNameMax} characters`);
  if (errors.any) throw new ValidationFailed('invalid-class', errors.errors);
  return trimmed;
}

export function member(state: MembershipState, userId: string): Member {
  const found = state.members.get(userId);
  if (!found) throw new DomainError('user-not-found', 'No such user in this organization');
  return found;
}

export function classRecord(state: MembershipState, classId: string): ClassRecord {
  const found = state.classes.get(classId);
  if (!found) throw new DomainError('class-not-found', 'No such class in this organization');
  return found;
}

export const activeClassesOf = (state: MembershipState, userId: string): ClassRecord[] =>
  [...state.classes.values()].filter((c) => c.status === 'active' && c.instructorId === userId);

export const isActiveInstructor = (m: Member | undefined): m is Member => !!m && m.status === 'active' && m.roles.includes('instructor');

/** Who may take over a deactivated instructor's classes (guide: the reassignment dropdown). */
export function reassignmentCandidates(state: MembershipState, leavingUserId: string): Member[] {
  return [...state.members.values()].filter((m) => m.id !== leavingUserId && isActiveInstructor(m) && m.passwordSet);
}

const activeAdmins = (state: MembershipState): Member[] => [...state.members.values()].filter((m) => m.status === 'active' && m.roles.includes('admin'));

export function requireAnotherActiveAdmin(state: MembershipState, leaving: Member): void {
  if (leaving.status !== 'active' || !leaving.roles.includes('admin')) return;
  if (activeAdmins(state).some((m) => m.id !== leaving.id)) return;
  throw new DomainError('organization-needs-an-active-admin', 'An organization keeps at least one active admin; make someone else an admin first');
}

export function emailTaken(state: MembershipState, email: string, exceptUserId?: string): boolean {
  const holder = state.emails.get(emailKey(email));
  return holder !== undefined && holder !== exceptUserId;
}

export const classList = (classes: ClassRecord[]) => classes.map((c) => ({ id: c.id, name: c.name }));

export function requireInstructor(state: MembershipState, instructorId: string): void {
  if (!isActiveInstructor(state.members.get(instructorId)))
    throw new DomainError('invalid-instructor', 'The instructor must be an active instructor of this organization', {
      errors: [{ field: 'instructorId', message: 'instructorId must name an active instructor of this organization' }],
    });
}

// ---- Evolve ------------------------------------------------------------------------
/**
 * Applies one event to drafts of the organization's maps. The drafts change only nodes
 * they made themselves: the state they were taken from stays as it was.
 */
export function evolveMembership(draft: MembershipDraft, event: MembershipEvent): void {
  const { members, classes, emails } = draft;
  switch (event.type) {
    case 'UserInvited': {
      const d = event.data;
      emails.set(emailKey(d.email), d.userId);
      members.set(d.userId, {
        id: d.userId,
        email: d.email,
        firstName: d.firstName,
        lastName: d.lastName,
        roles: d.roles,
        status: 'setupPending',
        passwordSet: false,
        setupTokenHash: d.setupTokenHash,
        setupExpiresAt: d.setupExpiresAt,
        version: 0,
      });
      return;
    }
    case 'UserInvitationResent': {
      const m = members.get(event.data.userId);
      if (m) {
        emails.delete(emailKey(m.email));
        emails.set(emailKey(event.data.email), m.id);
      }
      if (m) members.set(m.id, { ...m, email: event.data.email, setupTokenHash: event.data.setupTokenHash, setupExpiresAt: event.data.setupExpiresAt, version: m.version + 1 });
      return;
    }
    case 'UserSetupCompleted': {
      const m = members.get(event.data.userId);
      if (m) members.set(m.id, { ...m, status: 'active', passwordSet: true, setupTokenHash: null, setupExpiresAt: null, version: m.version + 1 });
      return;
    }
    case 'PasswordChanged':
      // Not a change to the member as others see it: their version (ETag) stays, as in
      // the members read model. The accounts read model keeps the hash for sign-in.
      return;
    case 'UserEdited': {
      const m = members.get(event.data.userId);
      if (m) members.set(m.id, { ...m, ...event.data.profile, version: m.version + 1 });
      return;
    }
    case 'ClassReassigned': {
      const c = classes.get(event.data.classId);
      if (c) classes.set(c.id, { ...c, instructorId: event.data.toInstructorId, version: c.version + 1 });
      return;
    }
    case 'UserDeactivated': {
      const m = members.get(event.data.userId);
      if (m) members.set(m.id, { ...m, status: 'deactivated', version: m.version + 1 });
      return;
    }
    case 'UserReactivated': {
      const m = members.get(event.data.userId);
      if (m) members.set(m.id, { ...m, status: 'active', version: m.version + 1 });
      return;
    }
    case 'UserDeleted': {
      const m = members.get(event.data.userId);
      if (m) emails.delete(emailKey(m.email));
      members.delete(event.data.userId);
      return;
    }
    case 'UserSessionsEnded':
      return;
    case 'UserRemoved': {
      const m = members.get(event.data.userId);
      if (m) {
        emails.delete(emailKey(m.email));
        members.set(m.id, { ...m, status: 'deactivated', removed: true, version: m.version + 1 });
      }
      return;
    }
    case 'UserErased': {
      const m = members.get(event.data.userId);
      if (m) {
        emails.delete(emailKey(m.email));
        // Who they were goes; their id, roles and status stay.
        members.set(m.id, { ...m, email: erasedValue('email', m.id) as string, firstName: ERASED, lastName: ERASED, erased: true, version: m.version + 1 });
      }
      return;
    }
    case 'ClassCreated':
      classes.set(event.data.classId, { id: event.data.classId, name: event.data.name, instructorId: event.data.instructorId, status: 'active', languageId: event.data.languageId ?? null, studentIds: [], version: 0 });
      return;
    case 'ClassEdited': {
      const c = classes.get(event.data.classId);
      const { name, instructorId, languageId } = event.data.changes;
      if (c) classes.set(c.id, { ...c, name: name ? name.after : c.name, instructorId: instructorId ? instructorId.after : c.instructorId, languageId: languageId ? languageId.after : c.languageId, version: c.version + 1 });
      return;
    }
    case 'ClassArchived': {
      const c = classes.get(event.data.classId);
      if (c) classes.set(c.id, { ...c, status: 'archived', version: c.version + 1 });
      return;
    }
    case 'ClassStudentsAdded': {
      const c = classes.get(event.data.classId);
      if (c) classes.set(c.id, { ...c, studentIds: [...c.studentIds, ...event.data.userIds.filter((u) => !c.studentIds.includes(u))], version: c.version + 1 });
      return;
    }
    case 'ClassStudentRemoved': {
      const c = classes.get(event.data.classId);
      if (c) classes.set(c.id, { ...c, studentIds: c.studentIds.filter((u) => u !== event.data.userId), version: c.version + 1 });
      return;
    }
    default:
      assertNever(event);
  }
}
