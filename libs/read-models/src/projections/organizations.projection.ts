import type { OrganizationEvent, OrganizationProfile, OrganizationSettings, SettingsAllowances } from '#domain';
import { DEFAULT_ALLOWANCES, DEFAULT_SETTINGS, DEFAULT_SESSION_POLICY, JOINING_EVENT_TYPES, MEMBERSHIP_EVENT_TYPES, ORGANIZATION_EVENT_TYPES, SSO_EVENT_TYPES, STRUCTURE_EVENT_TYPES } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, ORGANIZATION_PURGED, POSITION_FIELD, type Projection } from '../projector/projection.js';

export const ORGANIZATIONS = 'organizations_v5';

/** The organization list and detail read model. */
export interface OrganizationDocument {
  _id: string;
  name: string;
  /** Lower-cased name: sorts the same on SQLite and MongoDB without a collation. */
  nameSort: string;
  description: string | null;
  timeZone: string;
  /** The profile (multi-tenant guide: Organization Details, Organization Types). */
  type: OrganizationProfile['type'];
  industry: string | null;
  website: string | null;
  primaryContact: OrganizationProfile['primaryContact'];
  billingContact: OrganizationProfile['billingContact'];
  /** Null for organizations from before slugs until an admin chooses one. */
  slug: string | null;
  /** Set while a deletion waits (the organization is suspended); restorable until `purgeAt`. */
  deletionRequestedAt: string | null;
  purgeAt: string | null;
  /** Settings (issue 17), the super admin's allowances, and the settings' own version (their ETag). */
  settings: OrganizationSettings;
  allowances: SettingsAllowances;
  settingsVersion: number;
  /** The languages it teaches, its default first (issue 18). */
  languageIds: string[];
  logo: { sha256: string; contentType: string; size: number } | null;
  inArrearsAt: string | null;
  sessionPolicy: { idleTimeoutMinutes: number; absoluteTimeoutHours: number };
  /**
   * Sessions of members that began before this time no longer work: set when the
   * organization is marked in arrears or asked to be deleted, and kept after arrears are
   * cleared or the organization restored, so that sign-in comes back but not the
   * sessions that were terminated.
   */
  sessionsValidAfter: string | null;
  /** CIDR ranges its members may come from (issue 20); absent or empty: anywhere. */
  ipRanges?: string[];
  /** Members not deleted: setup pending, active and deactivated. */
  userCount: number;
  /** Classes not archived. */
  classCount: number;
  departmentCount: number;
  teamCount: number;
  createdAt: string;
  updatedAt: string;
  /** Stream revision: moves with every event of the organization's stream. */
  revision: number;
  /** The profile's own version, the ETag a client sends back in If-Match: member, class and SSO events leave it alone. */
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

const organizationIdOf = (event: RecordedEvent) => (event.data as { organizationId: string }).organizationId;

/** Every event of the stream moves the revision; some also change fields, counts or the profile's version. */
function update(event: RecordedEvent, set: Record<string, unknown>, inc?: Record<string, number>): CollectionWriteOp {
  return {
    collection: ORGANIZATIONS,
    updateOne: {
      filter: { _id: organizationIdOf(event), ...notYetApplied(event.position) },
      update: {
        $set: { ...set, revision: event.revision, updatedAt: (event.metadata.occurredAt as string) ?? event.recordedAt, [POSITION_FIELD]: event.position },
        ...(inc ? { $inc: inc } : {}),
      },
    },
  };
}

/** The events that change the organization itself move its profile's version (as the decider's fold does). */
const PROFILE_CHANGED = { version: 1 };

export const organizationsProjection: Projection = {
  name: 'organizations',
  // 3: the profile; 4: department and team counts; 5: slug and deletion (issue 16), settings (issue 17).
  version: 5,
  collections: [{ name: ORGANIZATIONS, indexes: [{ keys: { nameSort: 1 } }, { keys: { inArrearsAt: 1 } }, { keys: { purgeAt: 1 } }, { keys: { 'settings.visibility': 1, nameSort: 1 } }] }],
  canHandle: (event) =>
    event.type === ORGANIZATION_PURGED ||
    JOINING_EVENT_TYPES.has(event.type as never) ||
    ORGANIZATION_EVENT_TYPES.has(event.type as never) ||
    MEMBERSHIP_EVENT_TYPES.has(event.type as never) ||
    SSO_EVENT_TYPES.has(event.type as never) ||
    STRUCTURE_EVENT_TYPES.has(event.type as never),
  project(recorded) {
    const event = { type: recorded.type, data: recorded.data } as OrganizationEvent;
    switch (event.type) {
      case 'OrganizationCreated': {
        const { organizationId, name, description, timeZone, profile, slug, createdAt } = event.data;
        // $setOnInsert: a redelivered creation finds the document and changes nothing.
        return [
          {
            collection: ORGANIZATIONS,
            updateOne: {
              filter: { _id: organizationId },
              update: {
                $setOnInsert: {
                  name,
                  nameSort: name.toLowerCase(),
                  description,
                  timeZone,
                  ...profile,
                  slug,
                  deletionRequestedAt: null,
                  purgeAt: null,
                  settings: DEFAULT_SETTINGS,
                  allowances: DEFAULT_ALLOWANCES,
                  settingsVersion: 0,
                  languageIds: [],
                  logo: null,
                  inArrearsAt: null,
                  sessionPolicy: DEFAULT_SESSION_POLICY,
                  sessionsValidAfter: null,
                  userCount: 0,
                  classCount: 0,
                  departmentCount: 0,
                  teamCount: 0,
                  createdAt,
                  updatedAt: createdAt,
                  revision: recorded.revision,
                  version: 0,
                  [POSITION_FIELD]: recorded.position,
                },
              },
              upsert: true,
            },
          },
        ];
      }
      case 'OrganizationSettingsUpdated': {
        const { name, description, timeZone, ...profile } = event.data.changes;
        return [
          update(
            recorded,
            {
              ...(name ? { name: name.after, nameSort: name.after.toLowerCase() } : {}),
              ...(description ? { description: description.after } : {}),
              ...(timeZone ? { timeZone: timeZone.after } : {}),
              ...Object.fromEntries(Object.entries(profile).map(([field, change]) => [field, change!.after])),
            },
            PROFILE_CHANGED,
          ),
        ];
      }
      case 'OrganizationLogoChanged':
        return [update(recorded, { logo: event.data.logo }, PROFILE_CHANGED)];
      case 'OrganizationLogoRemoved':
        return [update(recorded, { logo: null }, PROFILE_CHANGED)];
      case 'OrganizationMarkedInArrears':
        return [update(recorded, { inArrearsAt: event.data.inArrearsAt, sessionsValidAfter: event.data.inArrearsAt }, PROFILE_CHANGED)];
      case 'OrganizationArrearsCleared':
        return [update(recorded, { inArrearsAt: null }, PROFILE_CHANGED)];
      case 'OrganizationSessionPolicyChanged':
        return [update(recorded, { sessionPolicy: event.data.after }, PROFILE_CHANGED)];
      case 'OrganizationIpRestrictionsChanged':
        return [update(recorded, { ipRanges: event.data.after }, PROFILE_CHANGED)];
      case 'OrganizationSettingsChanged': {
        // Each leaf by its path; allowances live beside the settings.
        const set = Object.fromEntries(
          Object.entries(event.data.changes).map(([path, change]) => [path.startsWith('allowances.') ? path : `settings.${path}`, change.after]),
        );
        return [update(recorded, set, { settingsVersion: 1 })];
      }
      case 'OrganizationLanguagesChanged':
        return [update(recorded, { languageIds: event.data.after }, PROFILE_CHANGED)];
      case 'OrganizationSlugChanged':
        return [update(recorded, { slug: event.data.after }, PROFILE_CHANGED)];
      case 'OrganizationDeletionRequested': {
        const { requestedAt, purgeAt } = event.data;
        return [update(recorded, { deletionRequestedAt: requestedAt, purgeAt, sessionsValidAfter: requestedAt }, PROFILE_CHANGED)];
      }
      case 'OrganizationRestored':
        return [update(recorded, { deletionRequestedAt: null, purgeAt: null }, PROFILE_CHANGED)];
      case 'OrganizationPurged':
        return [{ collection: ORGANIZATIONS, deleteOne: { filter: { _id: event.data.organizationId } } }];
      case 'UserInvited':
        return [update(recorded, {}, { userCount: 1 })];
      case 'UserDeleted':
        return [update(recorded, {}, { userCount: -1 })];
      case 'ClassCreated':
        return [update(recorded, {}, { classCount: 1 })];
      case 'ClassArchived':
        return [update(recorded, {}, { classCount: -1 })];
      case 'DepartmentCreated':
        return [update(recorded, {}, { departmentCount: 1 })];
      case 'DepartmentDeleted':
        return [update(recorded, {}, { departmentCount: -1 })];
      case 'TeamCreated':
        return [update(recorded, {}, { teamCount: 1 })];
      case 'TeamDeleted':
        return [update(recorded, {}, { teamCount: -1 })];
      default:
        // Other member, class and SSO events only move the revision.
        return [update(recorded, {})];
    }
  },
};
