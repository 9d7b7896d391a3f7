/**
 * What every command carries besides its payload. The domain reads `now` from here
 * and never calls a clock itself; the rest becomes the event's audit metadata.
 */
export interface Actor {
  /** A user or super admin id, 'system' for bootstrap and scheduled jobs, an xAPI credential's id for learning content. */
  id: string;
  kind: 'superAdmin' | 'platformAuditor' | 'platformAnalyst' | 'member' | 'system' | 'anonymous' | 'xapiClient';
  email?: string;
  roles: string[];
}

export interface CommandMetadata {
  actor: Actor;
  /** ISO 8601 time at which the command is handled. */
  now: string;
  correlationId: string;
  causationId: string;
  ip?: string;
  userAgent?: string;
  idempotencyKey?: string;
}

/** The metadata stored beside every event: the audit trail of who did what, when. */
export interface EventMetadata {
  schemaVersion: number;
  actorId: string;
  actorKind: Actor['kind'];
  actorEmail?: string;
  actorRoles: string[];
  organizationId: string | null;
  correlationId: string;
  causationId: string;
  occurredAt: string;
  ip?: string;
  userAgent?: string;
  idempotencyKey?: string;
  requestHash?: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', kind: 'system', roles: ['system'] };
