import type { PlatformEvent } from '../../../domain/src/index.js';
import { normalizeEmail } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../event-store/src/event-store.port.js';
import { POSITION_FIELD, type Projection } from '../projector/projection.js';

export const ACCOUNTS = 'accounts_v1';

/**
 * Sign-in lookups by email. Holds the password hash (never the password), which
 * no query returns: only the sign-in handler reads it.
 */
export interface AccountDocument {
  _id: string;
  kind: 'superAdmin';
  email: string;
  emailNormalized: string;
  passwordHash: string;
  organizationId: string | null;
  [POSITION_FIELD]: number;
  [key: string]: unknown;
}

export const accountsProjection: Projection = {
  name: 'accounts',
  version: 1,
  collections: [{ name: ACCOUNTS, indexes: [{ keys: { emailNormalized: 1 } }] }],
  canHandle: (event: RecordedEvent) => event.type === 'SuperAdminRegistered',
  project(recorded) {
    const event = { type: recorded.type, data: recorded.data } as PlatformEvent;
    if (event.type !== 'SuperAdminRegistered') return [];
    const { superAdminId, email, passwordHash } = event.data;
    return [
      {
        collection: ACCOUNTS,
        updateOne: {
          filter: { _id: superAdminId },
          update: {
            $setOnInsert: {
              kind: 'superAdmin',
              email,
              emailNormalized: normalizeEmail(email),
              passwordHash,
              organizationId: null,
              [POSITION_FIELD]: recorded.position,
            },
          },
          upsert: true,
        },
      },
    ];
  },
};
