import type { MembershipEvent, PlatformEvent, StructureEvent } from '#domain';
import { erasedValue, normalizeEmail } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, POSITION_FIELD, updateEachOnce, type Projection } from '../projector/projection.js';
import { ORGANIZATION_PURGED, organizationRemoved } from '../projector/projection.js';

export const ACCOUNTS = 'accounts_v2';

/**
 * Sign-in lookups by email and the account state every request is checked against.
 * Holds the password hash (never the password), which no query returns: only the
 * sign-in handler reads it.
 */
export interface AccountDocument {
  _id: string;
  kind: 'superAdmin' | 'platformAuditor' | 'platformAnalyst' | 'member';
  email: string;
  emailNormalized: string;
  passwordHash: string | null;
  organizationId: string | null;
  roles: string[];
  status: 'setupPending' | 'active' | 'deactivated';
  /** Sessions that began before this time no longer work (deactivation, "end all sessions"). */
  sessionsValidAfter: string | null;
  /**
   * The departments and teams they lead: what makes them a department admin or a team
   * leader at the door (the guard). Which department or team is theirs is decided on the
   * organization's state by the command itself.
   */
  departmentsLed?: string[];
  teamsLed?: string[];
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

const TYPES = new Set([
  'SuperAdminRegistered',
  'UserInvited',
  'UserInvitationResent',
  'UserSetupCompleted',
  'PasswordChanged',
  'PlatformPasswordChanged',
  'UserEdited',
  'UserDeactivated',
  'UserReactivated',
  'UserSessionsEnded',
  'UserDeleted',
  'UserErased',
  'UserRemoved',
  'PlatformAuditorInvited',
  'PlatformAuditorSetupCompleted',
  'PlatformAuditorRemoved',
  'DepartmentCreated',
  'DepartmentEdited',
  'DepartmentDeleted',
  'TeamCreated',
  'TeamEdited',
  'TeamDeleted',
]);

/** Who leads a department or a team, on the leaders' accounts. Not the account's own change: it moves the position only. */
function leads(event: RecordedEvent, field: 'departmentsLed' | 'teamsLed', unitId: string, gained: string[], lost: string[]): CollectionWriteOp[] {
  return [
    ...(gained.length ? [updateEachOnce(ACCOUNTS, { _id: { $in: gained } }, event, { $addToSet: { [field]: unitId } })] : []),
    ...(lost.length ? [updateEachOnce(ACCOUNTS, { _id: { $in: lost } }, event, { $pull: { [field]: unitId } })] : []),
  ];
}

/** An edit's leader change as leaders gained and lost. */
const leadersChanged = (event: RecordedEvent, field: 'departmentsLed' | 'teamsLed', unitId: string, change: { before: string[]; after: string[] } | undefined) =>
  change ? leads(event, field, unitId, change.after.filter((id) => !change.before.includes(id)), change.before.filter((id) => !change.after.includes(id))) : [];

function set(event: RecordedEvent, userId: string, fields: Record<string, unknown>): CollectionWriteOp {
  return {
    collection: ACCOUNTS,
    updateOne: { filter: { _id: userId, ...notYetApplied(event.position) }, update: { $set: { ...fields, [POSITION_FIELD]: event.position } } },
  };
}

export const accountsProjection: Projection = {
  name: 'accounts',
  // 2: departments and teams led (issue 16).
  version: 2,
  collections: [{ name: ACCOUNTS, indexes: [{ keys: { emailNormalized: 1 } }, { keys: { organizationId: 1 } }] }],
  canHandle: (event: RecordedEvent) => TYPES.has(event.type) || event.type === ORGANIZATION_PURGED,
  project(recorded) {
    // The members' accounts go with their organization: their emails sign in nowhere.
    if (recorded.type === ORGANIZATION_PURGED) return organizationRemoved(recorded, ACCOUNTS);
    const event = { type: recorded.type, data: recorded.data } as PlatformEvent | MembershipEvent | StructureEvent;
    const insert = (id: string, doc: Omit<AccountDocument, '_id' | typeof POSITION_FIELD>): CollectionWriteOp => ({
      collection: ACCOUNTS,
      updateOne: { filter: { _id: id }, update: { $setOnInsert: { ...doc, [POSITION_FIELD]: recorded.position } }, upsert: true },
    });
    switch (event.type) {
      case 'SuperAdminRegistered': {
        const { superAdminId, email, passwordHash } = event.data;
        return [insert(superAdminId, { kind: 'superAdmin', email, emailNormalized: normalizeEmail(email), passwordHash, organizationId: null, roles: [], status: 'active', sessionsValidAfter: null })];
      }
      case 'PlatformAuditorInvited': {
        const { auditorId, email } = event.data;
        return [insert(auditorId, { kind: event.data.role === 'analyst' ? 'platformAnalyst' : 'platformAuditor', email, emailNormalized: normalizeEmail(email), passwordHash: null, organizationId: null, roles: [], status: 'setupPending', sessionsValidAfter: null })];
      }
      case 'PlatformAuditorSetupCompleted':
        return [set(recorded, event.data.auditorId, { passwordHash: event.data.passwordHash, status: 'active' })];
      case 'PlatformPasswordChanged':
        return [set(recorded, event.data.accountId, { passwordHash: event.data.passwordHash })];
      case 'PlatformAuditorRemoved':
        // No account, no session: every request checks the account first.
        return [{ collection: ACCOUNTS, deleteOne: { filter: { _id: event.data.auditorId } } }];
      case 'UserInvited': {
        const { userId, email, organizationId, roles } = event.data;
        return [insert(userId, { kind: 'member', email, emailNormalized: normalizeEmail(email), passwordHash: null, organizationId, roles, status: 'setupPending', sessionsValidAfter: null })];
      }
      case 'UserInvitationResent':
        return [set(recorded, event.data.userId, { email: event.data.email, emailNormalized: normalizeEmail(event.data.email) })];
      case 'UserSetupCompleted':
        return [set(recorded, event.data.userId, { passwordHash: event.data.passwordHash, status: 'active' })];
      case 'PasswordChanged':
        return [set(recorded, event.data.userId, { passwordHash: event.data.passwordHash })];
      case 'UserEdited':
        return [set(recorded, event.data.userId, { roles: event.data.profile.roles })];
      case 'UserRemoved':
        // A former member signs in nowhere, and their address may become someone's account again.
        return [{ collection: ACCOUNTS, deleteOne: { filter: { _id: event.data.userId } } }];
      case 'UserErased': {
        // No sign-in by the old address, no password to try: the account is a shell with its id.
        const email = erasedValue('email', event.data.userId) as string;
        return [set(recorded, event.data.userId, { email, emailNormalized: normalizeEmail(email), passwordHash: null })];
      }
      case 'UserDeactivated':
        // Signed out everywhere: sessions from before stay dead after a reactivation too.
        return [set(recorded, event.data.userId, { status: 'deactivated', sessionsValidAfter: (recorded.metadata.occurredAt as string) ?? recorded.recordedAt })];
      case 'UserSessionsEnded':
        return [set(recorded, event.data.userId, { sessionsValidAfter: event.data.endedAt })];
      case 'UserReactivated':
        return [set(recorded, event.data.userId, { status: 'active' })];
      case 'UserDeleted':
        return [{ collection: ACCOUNTS, deleteOne: { filter: { _id: event.data.userId } } }];
      case 'DepartmentCreated':
        return leads(recorded, 'departmentsLed', event.data.departmentId, event.data.leaderIds, []);
      case 'DepartmentEdited':
        return leadersChanged(recorded, 'departmentsLed', event.data.departmentId, event.data.changes.leaderIds);
      case 'DepartmentDeleted':
        return leads(recorded, 'departmentsLed', event.data.departmentId, [], event.data.leaderIds);
      case 'TeamCreated':
        return leads(recorded, 'teamsLed', event.data.teamId, event.data.leaderIds, []);
      case 'TeamEdited':
        return leadersChanged(recorded, 'teamsLed', event.data.teamId, event.data.changes.leaderIds);
      case 'TeamDeleted':
        return leads(recorded, 'teamsLed', event.data.teamId, [], event.data.leaderIds);
      default:
        return [];
    }
  },
};
