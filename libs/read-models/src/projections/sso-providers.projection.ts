import type { SsoEvent, SsoProviderSettings } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CollectionWriteOp } from '../read-store.port.js';
import { notYetApplied, POSITION_FIELD, type Projection } from '../projector/projection.js';
import { ORGANIZATION_PURGED, organizationRemoved } from '../projector/projection.js';

export const SSO_PROVIDERS = 'sso_providers_v2';

/**
 * The SSO provider list (guide: Provider List View) and the lookup a sign-in starts
 * from (provider id -> organization). The sealed client secret is not copied here:
 * only the organization's stream holds it, and only sign-in opens it.
 */
export interface SsoProviderDocument extends SsoProviderSettings {
  _id: string;
  organizationId: string;
  createdAt: string;
  updatedAt: string;
  /** Set when the provider is deleted: a tombstone, so a redelivered creation cannot bring it back. */
  removedAt: string | null;
  /** The provider's own version: its ETag. */
  version: number;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

const occurredAt = (event: RecordedEvent) => (event.metadata.occurredAt as string | undefined) ?? event.recordedAt;

export const ssoProvidersProjection: Projection = {
  name: 'sso_providers',
  version: 2,
  collections: [{ name: SSO_PROVIDERS, indexes: [{ keys: { organizationId: 1 } }] }],
  canHandle: (event) => event.type === 'SsoProviderAdded' || event.type === 'SsoProviderUpdated' || event.type === 'SsoProviderRemoved' || event.type === ORGANIZATION_PURGED,
  project(recorded): CollectionWriteOp[] {
    if (recorded.type === ORGANIZATION_PURGED) return organizationRemoved(recorded, SSO_PROVIDERS);
    const event = { type: recorded.type, data: recorded.data } as SsoEvent;
    const at = occurredAt(recorded);
    switch (event.type) {
      case 'SsoProviderAdded':
        return [
          {
            collection: SSO_PROVIDERS,
            updateOne: {
              filter: { _id: event.data.providerId },
              update: { $setOnInsert: { organizationId: event.data.organizationId, ...event.data.settings, createdAt: at, updatedAt: at, removedAt: null, version: 0, [POSITION_FIELD]: recorded.position } },
              upsert: true,
            },
          },
        ];
      case 'SsoProviderUpdated':
        return [
          {
            collection: SSO_PROVIDERS,
            updateOne: { filter: { _id: event.data.providerId, ...notYetApplied(recorded.position) }, update: { $set: { ...event.data.settings, updatedAt: at, [POSITION_FIELD]: recorded.position }, $inc: { version: 1 } } },
          },
        ];
      case 'SsoProviderRemoved':
        return [
          {
            collection: SSO_PROVIDERS,
            updateOne: { filter: { _id: event.data.providerId, ...notYetApplied(recorded.position) }, update: { $set: { removedAt: at, enabled: false, [POSITION_FIELD]: recorded.position } } },
          },
        ];
      default:
        return [];
    }
  },
};
