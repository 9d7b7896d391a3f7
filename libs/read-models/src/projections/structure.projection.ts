import type { StructureEvent } from '#domain';
import { STRUCTURE_EVENT_TYPES } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, POSITION_FIELD, type Projection } from '../projector/projection.js';
import { ORGANIZATION_PURGED, organizationRemoved } from '../projector/projection.js';

export const DEPARTMENTS = 'departments_v1';
export const TEAMS = 'teams_v1';

/** A department (multi-tenant guide: "Departments"): the structure route builds the tree from these. */
export interface DepartmentDocument {
  _id: string;
  organizationId: string;
  name: string;
  nameSort: string;
  description: string | null;
  parentId: string | null;
  leaderIds: string[];
  createdAt: string;
  /** Its own version: the ETag of PATCH and DELETE. */
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

/** A team: who is in it lives on the member documents (`teamIds`), its count here. */
export interface TeamDocument {
  _id: string;
  organizationId: string;
  name: string;
  nameSort: string;
  description: string | null;
  departmentId: string | null;
  leaderIds: string[];
  memberCount: number;
  createdAt: string;
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

const at = (event: RecordedEvent) => (event.metadata.occurredAt as string) ?? event.recordedAt;

function change(collection: string, id: string, event: RecordedEvent, set: Record<string, unknown>, inc: Record<string, number> = {}): CollectionWriteOp {
  return {
    collection,
    updateOne: { filter: { _id: id, ...notYetApplied(event.position) }, update: { $set: { ...set, [POSITION_FIELD]: event.position }, $inc: { version: 1, ...inc } } },
  };
}

function insert(collection: string, id: string, event: RecordedEvent, doc: Record<string, unknown>): CollectionWriteOp {
  return { collection, updateOne: { filter: { _id: id }, update: { $setOnInsert: { ...doc, createdAt: at(event), version: 0, [POSITION_FIELD]: event.position } }, upsert: true } };
}

/** Changed fields of an edit, with the sort key beside a new name. */
function edited(changes: Record<string, { after: unknown } | undefined>): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const [field, c] of Object.entries(changes)) if (c) set[field] = c.after;
  if (typeof set.name === 'string') set.nameSort = set.name.toLowerCase();
  return set;
}

/**
 * Departments and teams of every organization, as the decider's fold keeps them: each
 * change moves the unit's own version, as the fold does.
 */
export const structureProjection: Projection = {
  name: 'structure',
  version: 1,
  collections: [
    { name: DEPARTMENTS, indexes: [{ keys: { organizationId: 1, nameSort: 1 } }] },
    { name: TEAMS, indexes: [{ keys: { organizationId: 1, nameSort: 1 } }, { keys: { departmentId: 1 } }] },
  ],
  canHandle: (event) => STRUCTURE_EVENT_TYPES.has(event.type as StructureEvent['type']) || event.type === ORGANIZATION_PURGED,
  project(recorded) {
    if (recorded.type === ORGANIZATION_PURGED) return organizationRemoved(recorded, DEPARTMENTS, TEAMS);
    const event = { type: recorded.type, data: recorded.data } as StructureEvent;
    switch (event.type) {
      case 'DepartmentCreated': {
        const { departmentId, organizationId, name, description, parentId, leaderIds } = event.data;
        return [insert(DEPARTMENTS, departmentId, recorded, { organizationId, name, nameSort: name.toLowerCase(), description, parentId, leaderIds })];
      }
      case 'DepartmentEdited':
        return [change(DEPARTMENTS, event.data.departmentId, recorded, edited(event.data.changes))];
      case 'DepartmentDeleted':
        return [{ collection: DEPARTMENTS, deleteOne: { filter: { _id: event.data.departmentId } } }];
      case 'TeamCreated': {
        const { teamId, organizationId, name, description, departmentId, leaderIds } = event.data;
        return [insert(TEAMS, teamId, recorded, { organizationId, name, nameSort: name.toLowerCase(), description, departmentId, leaderIds, memberCount: 0 })];
      }
      case 'TeamEdited':
        return [change(TEAMS, event.data.teamId, recorded, edited(event.data.changes))];
      case 'TeamDeleted':
        return [{ collection: TEAMS, deleteOne: { filter: { _id: event.data.teamId } } }];
      case 'TeamMembersAdded':
        return [change(TEAMS, event.data.teamId, recorded, {}, { memberCount: event.data.userIds.length })];
      case 'TeamMemberRemoved':
        return [change(TEAMS, event.data.teamId, recorded, {}, { memberCount: -1 })];
      default:
        return [];
    }
  },
};
