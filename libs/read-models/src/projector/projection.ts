import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp, IndexSpec } from '../read-store.port.js';

/**
 * A projection is a pure mapping from one event to read-store writes. It never
 * reads: each write guards itself (by the position stored in the document) so that
 * an event delivered twice changes nothing the second time.
 *
 * Collections carry the projection's version in their name (`organizations_v1`);
 * a new version gets new collections and is rebuilt from the log.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly collections: { name: string; indexes: IndexSpec[] }[];
  canHandle(event: RecordedEvent): boolean;
  project(event: RecordedEvent): CollectionWriteOp[];
  /**
   * Sees events as stored, personal values still sealed (issue 20): the audit log keeps
   * them so and opens them when it answers, so an erasure leaves nothing of it to scrub.
   */
  readonly readsSealed?: boolean;
}

export const projectionId = (p: Pick<Projection, 'name' | 'version'>): string => `${p.name}_v${p.version}`;

/** The field each projected document keeps its last applied log position in. */
export const POSITION_FIELD = '_position';

/** Guard for updates: only documents that have not seen this event yet. */
export const notYetApplied = (position: number) => ({ [POSITION_FIELD]: { $lt: position } });

/**
 * An update of every matching document that has not seen this event yet, moving only
 * their position besides `update` (a team's membership, a leadership: not a change to
 * the document's own version).
 */
export function updateEachOnce(collection: string, filter: Record<string, unknown>, event: { position: number }, update: Record<string, unknown>): CollectionWriteOp {
  return { collection, updateMany: { filter: { ...filter, ...notYetApplied(event.position) }, update: { ...update, $set: { [POSITION_FIELD]: event.position } } } };
}

/** The event after which an organization is in no read model (issue 16: deletion). */
export const ORGANIZATION_PURGED = 'OrganizationPurged';

/** A purged organization's documents, in each collection named (each keeps `organizationId`), go. Deleting twice deletes nothing more. */
export function organizationRemoved(event: RecordedEvent, ...collections: string[]): CollectionWriteOp[] {
  const organizationId = (event.data as { organizationId: string }).organizationId;
  return collections.map((collection) => ({ collection, deleteMany: { filter: { organizationId } } }));
}

export const streamCategory = (streamName: string): string => {
  const dash = streamName.indexOf('-');
  return dash === -1 ? streamName : streamName.slice(0, dash);
};
