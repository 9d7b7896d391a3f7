import { LIBRARY_EVENT_TYPES, type AssignmentTarget, type Due, type License, type LibraryEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, ORGANIZATION_PURGED, organizationRemoved, POSITION_FIELD, type Projection } from '../projector/projection.js';

export const ACTIVITIES = 'activities_v1';
export const ASSIGNMENTS = 'assignments_v1';

/** An activity of an organization's library, with its usage. */
export interface ActivityDocument {
  _id: string;
  organizationId: string;
  title: string;
  titleSort: string;
  category: string | null;
  languageId: string | null;
  activityIri: string;
  kind: 'private' | 'licensed';
  license: License | null;
  status: 'active' | 'retired';
  /** Learners it is assigned to now (through any open assignment): its usage, and the seats a license has used. */
  learnerIds: string[];
  createdAt: string;
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

export interface AssignmentDocument {
  _id: string;
  organizationId: string;
  activityId: string;
  target: AssignmentTarget;
  learnerIds: string[];
  learnerCount: number;
  /** Joiners a licensed activity had no seat for. */
  shortUserIds: string[];
  due: Due | null;
  /** The due instant, for sorting and "due in the next 7 days"; null without a due date. */
  dueAt: string | null;
  assignedAt: string;
  status: 'open' | 'cancelled';
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

const at = (event: RecordedEvent) => (event.metadata.occurredAt as string) ?? event.recordedAt;

function update(collection: string, id: string, event: RecordedEvent, update: Record<string, unknown>, bumpVersion = true): CollectionWriteOp {
  const set = (update.$set as Record<string, unknown> | undefined) ?? {};
  const inc = (update.$inc as Record<string, number> | undefined) ?? {};
  return {
    collection,
    updateOne: {
      filter: { _id: id, ...notYetApplied(event.position) },
      update: { ...update, $set: { ...set, [POSITION_FIELD]: event.position }, ...(bumpVersion || Object.keys(inc).length ? { $inc: { ...inc, ...(bumpVersion ? { version: 1 } : {}) } } : {}) },
    },
  };
}

/**
 * The content library and its assignments (issue 19): what the library lists and what an
 * admin sees of an activity's use. Each event writes each document once (the position
 * guard would skip a second write of the same event to the same document).
 */
export const contentProjection: Projection = {
  name: 'content',
  version: 1,
  collections: [
    { name: ACTIVITIES, indexes: [{ keys: { organizationId: 1, titleSort: 1 } }, { keys: { organizationId: 1, category: 1 } }] },
    { name: ASSIGNMENTS, indexes: [{ keys: { organizationId: 1, assignedAt: -1 } }, { keys: { organizationId: 1, learnerIds: 1 }, multikey: true }, { keys: { activityId: 1 } }] },
  ],
  canHandle: (event) => LIBRARY_EVENT_TYPES.has(event.type as LibraryEvent['type']) || event.type === ORGANIZATION_PURGED,
  project(recorded) {
    if (recorded.type === ORGANIZATION_PURGED) return organizationRemoved(recorded, ACTIVITIES, ASSIGNMENTS);
    const event = { type: recorded.type, data: recorded.data } as LibraryEvent;
    switch (event.type) {
      case 'ActivityAdded': {
        const { organizationId, activityId, title, category, languageId, activityIri, kind, license } = event.data;
        const doc = { organizationId, title, titleSort: title.toLowerCase(), category, languageId, activityIri, kind, license, status: 'active', learnerIds: [], createdAt: at(recorded), version: 0 };
        return [{ collection: ACTIVITIES, updateOne: { filter: { _id: activityId }, update: { $setOnInsert: { ...doc, [POSITION_FIELD]: recorded.position } }, upsert: true } }];
      }
      case 'ActivityEdited': {
        const a = event.data.activity;
        return [update(ACTIVITIES, event.data.activityId, recorded, { $set: { title: a.title, titleSort: a.title.toLowerCase(), category: a.category, languageId: a.languageId, activityIri: a.activityIri, license: a.license } })];
      }
      case 'ActivityRetired':
        return [update(ACTIVITIES, event.data.activityId, recorded, { $set: { status: 'retired' } })];
      case 'ActivityRemoved':
        return [{ collection: ACTIVITIES, deleteOne: { filter: { _id: event.data.activityId } } }];
      case 'ActivityAssigned': {
        const { organizationId, assignmentId, activityId, target, learners, due, assignedAt } = event.data;
        const doc = { organizationId, activityId, target, learnerIds: learners, learnerCount: learners.length, shortUserIds: [], due, dueAt: due?.at ?? null, assignedAt, status: 'open', version: 0 };
        return [
          { collection: ASSIGNMENTS, updateOne: { filter: { _id: assignmentId }, update: { $setOnInsert: { ...doc, [POSITION_FIELD]: recorded.position } }, upsert: true } },
          update(ACTIVITIES, activityId, recorded, { $addToSet: { learnerIds: { $each: learners } } }, false),
        ];
      }
      case 'AssignmentExtended': {
        const { assignmentId, activityId, userIds } = event.data;
        return [
          update(ASSIGNMENTS, assignmentId, recorded, { $addToSet: { learnerIds: { $each: userIds } }, $inc: { learnerCount: userIds.length } }),
          update(ACTIVITIES, activityId, recorded, { $addToSet: { learnerIds: { $each: userIds } } }, false),
        ];
      }
      case 'AssignmentSeatsShort':
        return [update(ASSIGNMENTS, event.data.assignmentId, recorded, { $addToSet: { shortUserIds: { $each: event.data.userIds } } }, false)];
      case 'AssignmentCancelled': {
        const { assignmentId, activityId, freed } = event.data;
        return [
          update(ASSIGNMENTS, assignmentId, recorded, { $set: { status: 'cancelled' } }),
          ...(freed.length ? [update(ACTIVITIES, activityId, recorded, { $pull: { learnerIds: { $in: freed } } }, false)] : []),
        ];
      }
      case 'DueDatesRescheduled':
        return event.data.assignments.map(({ assignmentId, after }) => update(ASSIGNMENTS, assignmentId, recorded, { $set: { due: after, dueAt: after.at } }));
      case 'LibraryPurged':
        return organizationRemoved(recorded, ACTIVITIES, ASSIGNMENTS);
      default:
        // Language holds change nothing listed here.
        return [];
    }
  },
};
