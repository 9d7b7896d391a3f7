import type { OrganizationEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { ORGANIZATION_PURGED, organizationRemoved, POSITION_FIELD, type Projection } from '../projector/projection.js';

export const SLUGS = 'slugs_v1';

/**
 * Which organization a slug leads to (issue 16): its current slug, and each slug it
 * moved away from until its redirect ends. A slug another organization takes later is
 * overwritten by that organization's event, which comes later in the log.
 */
export interface SlugDocument {
  _id: string;
  organizationId: string;
  /** Null for the organization's current slug; the end of the redirect for an old one. */
  redirectUntil: string | null;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

const put = (event: RecordedEvent, slug: string, organizationId: string, redirectUntil: string | null): CollectionWriteOp => ({
  collection: SLUGS,
  updateOne: {
    filter: { _id: slug },
    update: { $set: { organizationId, redirectUntil, [POSITION_FIELD]: event.position } },
    upsert: true,
  },
});

export const slugsProjection: Projection = {
  name: 'slugs',
  version: 1,
  collections: [{ name: SLUGS, indexes: [{ keys: { organizationId: 1 } }] }],
  canHandle: (event) => event.type === 'OrganizationCreated' || event.type === 'OrganizationSlugChanged' || event.type === ORGANIZATION_PURGED,
  project(recorded) {
    const event = { type: recorded.type, data: recorded.data } as OrganizationEvent;
    switch (event.type) {
      case 'OrganizationCreated':
        return event.data.slug ? [put(recorded, event.data.slug, event.data.organizationId, null)] : [];
      case 'OrganizationSlugChanged': {
        const { organizationId, before, after, redirectUntil } = event.data;
        return [put(recorded, after, organizationId, null), ...(before && redirectUntil ? [put(recorded, before, organizationId, redirectUntil)] : [])];
      }
      case 'OrganizationPurged':
        return organizationRemoved(recorded, SLUGS);
      default:
        return [];
    }
  },
};
