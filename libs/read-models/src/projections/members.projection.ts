import type { MembershipEvent, OrganizationEvent, StructureEvent } from '#domain';
import { ERASED, erasedValue, MEMBERSHIP_EVENT_TYPES, normalizeEmail } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, POSITION_FIELD, updateEachOnce, type Projection } from '../projector/projection.js';
import { ORGANIZATION_PURGED, organizationRemoved } from '../projector/projection.js';

export const MEMBERS = 'members_v3';
export const CLASSES = 'classes_v2';

export interface MemberDocument {
  _id: string;
  organizationId: string;
  email: string;
  emailNormalized: string;
  firstName: string;
  lastName: string;
  roles: string[];
  status: 'setupPending' | 'active' | 'deactivated';
  passwordSet: boolean;
  /** SHA-256 of the current setup token (not the token): finds the invitation a link belongs to. */
  setupTokenHash: string | null;
  setupExpiresAt: string | null;
  lastNameSort: string;
  firstNameSort: string;
  /** "first last", lower-cased: the list's search matches it or the email. */
  nameSearch: string;
  createdAt: string;
  /** The user's own version: its ETag. */
  version: number;
  /** The teams they are in (a member may be in several): the list filters on it. */
  teamIds: string[];
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

export interface ClassDocument {
  _id: string;
  organizationId: string;
  name: string;
  nameSort: string;
  instructorId: string;
  status: 'active' | 'archived';
  /** The language it is taught in; absent in documents of classes created before languages. */
  languageId?: string | null;
  /** Its students; absent in documents of classes from before students. */
  studentIds?: string[];
  /** The class's own version: its ETag. */
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

const nameSearch = (firstName: string, lastName: string) => `${firstName} ${lastName}`.toLowerCase();

/** An update of the document's arrays, moving its version as `set` does. */
function bumped(collection: string, id: string, event: RecordedEvent, update: Record<string, unknown>): CollectionWriteOp {
  return { collection, updateOne: { filter: { _id: id, ...notYetApplied(event.position) }, update: { ...update, $set: { [POSITION_FIELD]: event.position }, $inc: { version: 1 } } } };
}

/** Every change to a user or a class moves its own version (its ETag), as the decider's fold does. */
function set(collection: string, id: string, event: RecordedEvent, fields: Record<string, unknown>): CollectionWriteOp {
  return {
    collection,
    updateOne: { filter: { _id: id, ...notYetApplied(event.position) }, update: { $set: { ...fields, [POSITION_FIELD]: event.position }, $inc: { version: 1 } } },
  };
}

/**
 * Members of every organization, for the member list, the reassignment candidates and
 * the setup page. Names are kept with their sort keys and one search field so that a
 * page of 25 is an indexed filter plus a sort on both adapters.
 */
/** Team membership is not a change to the user: their version (ETag) stays. */
const teams = (filter: Record<string, unknown>, event: RecordedEvent, update: Record<string, unknown>) => updateEachOnce(MEMBERS, filter, event, update);

const TEAM_EVENTS = new Set(['TeamMembersAdded', 'TeamMemberRemoved', 'TeamDeleted']);

export const membersProjection: Projection = {
  name: 'members',
  // 3: the teams each member is in (issue 16).
  version: 3,
  collections: [
    {
      name: MEMBERS,
      indexes: [
        { keys: { organizationId: 1, lastNameSort: 1, firstNameSort: 1 } },
        { keys: { setupTokenHash: 1 } },
        // The member list's search box: name or email, within one organization, in the
        // list's order, with the status filter it may carry.
        { keys: { organizationId: 1, lastNameSort: 1, firstNameSort: 1 }, name: 'members_search', substring: ['nameSearch', 'emailNormalized'], covers: ['status'] },
        { keys: { organizationId: 1, teamIds: 1 }, multikey: true },
      ],
    },
    { name: CLASSES, indexes: [{ keys: { organizationId: 1, nameSort: 1 } }, { keys: { instructorId: 1 } }] },
  ],
  canHandle: (event) => MEMBERSHIP_EVENT_TYPES.has(event.type as MembershipEvent['type']) || TEAM_EVENTS.has(event.type) || event.type === ORGANIZATION_PURGED || event.type === 'OrganizationLanguagesChanged',
  project(recorded) {
    if (recorded.type === ORGANIZATION_PURGED) return organizationRemoved(recorded, MEMBERS, CLASSES);
    if (recorded.type === 'OrganizationLanguagesChanged') {
      // Archived classes taught in a language the organization dropped no longer name it.
      const cleared = (recorded.data as Extract<OrganizationEvent, { type: 'OrganizationLanguagesChanged' }>['data']).archivedClassesCleared ?? [];
      return cleared.map(({ classId }) => set(CLASSES, classId, recorded, { languageId: null }));
    }
    const event = { type: recorded.type, data: recorded.data } as MembershipEvent | Extract<StructureEvent, { type: 'TeamMembersAdded' | 'TeamMemberRemoved' | 'TeamDeleted' }>;
    const at = (recorded.metadata.occurredAt as string) ?? recorded.recordedAt;
    switch (event.type) {
      case 'UserInvited': {
        const d = event.data;
        return [
          {
            collection: MEMBERS,
            updateOne: {
              filter: { _id: d.userId },
              update: {
                $setOnInsert: {
                  organizationId: d.organizationId,
                  email: d.email,
                  emailNormalized: normalizeEmail(d.email),
                  firstName: d.firstName,
                  lastName: d.lastName,
                  roles: d.roles,
                  status: 'setupPending',
                  passwordSet: false,
                  setupTokenHash: d.setupTokenHash,
                  setupExpiresAt: d.setupExpiresAt,
                  lastNameSort: d.lastName.toLowerCase(),
                  firstNameSort: d.firstName.toLowerCase(),
                  nameSearch: nameSearch(d.firstName, d.lastName),
                  createdAt: at,
                  version: 0,
                  teamIds: [],
                  [POSITION_FIELD]: recorded.position,
                },
              },
              upsert: true,
            },
          },
        ];
      }
      case 'UserInvitationResent': {
        const d = event.data;
        return [
          set(MEMBERS, d.userId, recorded, {
            email: d.email,
            emailNormalized: normalizeEmail(d.email),
            setupTokenHash: d.setupTokenHash,
            setupExpiresAt: d.setupExpiresAt,
          }),
        ];
      }
      case 'UserSetupCompleted':
        return [set(MEMBERS, event.data.userId, recorded, { status: 'active', passwordSet: true, setupTokenHash: null, setupExpiresAt: null })];
      case 'UserEdited': {
        const { firstName, lastName, roles } = event.data.profile;
        return [
          set(MEMBERS, event.data.userId, recorded, {
            firstName,
            lastName,
            roles,
            firstNameSort: firstName.toLowerCase(),
            lastNameSort: lastName.toLowerCase(),
            nameSearch: nameSearch(firstName, lastName),
          }),
        ];
      }
      case 'UserDeactivated':
        return [set(MEMBERS, event.data.userId, recorded, { status: 'deactivated' })];
      case 'UserReactivated':
        return [set(MEMBERS, event.data.userId, recorded, { status: 'active' })];
      case 'UserDeleted':
        return [{ collection: MEMBERS, deleteOne: { filter: { _id: event.data.userId } } }];
      case 'UserRemoved':
        return [set(MEMBERS, event.data.userId, recorded, { status: 'deactivated', removed: true })];
      case 'UserErased': {
        // Who they were goes; that a member with this id was here, and what they could do, stays.
        const email = erasedValue('email', event.data.userId) as string;
        return [
          set(MEMBERS, event.data.userId, recorded, {
            email,
            emailNormalized: normalizeEmail(email),
            firstName: ERASED,
            lastName: ERASED,
            firstNameSort: ERASED,
            lastNameSort: ERASED,
            nameSearch: nameSearch(ERASED, ERASED),
            erased: true,
          }),
        ];
      }
      case 'ClassCreated': {
        const d = event.data;
        return [
          {
            collection: CLASSES,
            updateOne: {
              filter: { _id: d.classId },
              update: {
                $setOnInsert: {
                  organizationId: d.organizationId,
                  name: d.name,
                  nameSort: d.name.toLowerCase(),
                  instructorId: d.instructorId,
                  status: 'active',
                  languageId: d.languageId ?? null,
                  version: 0,
                  [POSITION_FIELD]: recorded.position,
                },
              },
              upsert: true,
            },
          },
        ];
      }
      case 'ClassEdited': {
        const { name, instructorId, languageId } = event.data.changes;
        return [
          set(CLASSES, event.data.classId, recorded, {
            ...(name ? { name: name.after, nameSort: name.after.toLowerCase() } : {}),
            ...(instructorId ? { instructorId: instructorId.after } : {}),
            ...(languageId ? { languageId: languageId.after } : {}),
          }),
        ];
      }
      case 'ClassReassigned':
        return [set(CLASSES, event.data.classId, recorded, { instructorId: event.data.toInstructorId })];
      case 'ClassArchived':
        return [set(CLASSES, event.data.classId, recorded, { status: 'archived' })];
      case 'ClassStudentsAdded':
        return [bumped(CLASSES, event.data.classId, recorded, { $addToSet: { studentIds: { $each: event.data.userIds } } })];
      case 'ClassStudentRemoved':
        return [bumped(CLASSES, event.data.classId, recorded, { $pull: { studentIds: event.data.userId } })];
      case 'TeamMembersAdded':
        return [teams({ _id: { $in: event.data.userIds } }, recorded, { $addToSet: { teamIds: event.data.teamId } })];
      case 'TeamMemberRemoved':
        return [teams({ _id: event.data.userId }, recorded, { $pull: { teamIds: event.data.teamId } })];
      case 'TeamDeleted':
        return [teams({ _id: { $in: event.data.memberIds } }, recorded, { $pull: { teamIds: event.data.teamId } })];
      default:
        return [];
    }
  },
};
