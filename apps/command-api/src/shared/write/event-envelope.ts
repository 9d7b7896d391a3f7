import { createHash } from 'node:crypto';
import { SCHEMA_VERSIONS, type CommandMetadata, type DomainEvent, type EventMetadata } from '#domain';
import { eventHash, type EventToAppend } from '#event-store';
import { newId, uuidV5 } from '../ids.js';

/**
 * What identifies a request for its Idempotency-Key: the same key with another body is
 * refused. Only a request that carries a key needs it.
 */
export function requestHashOf(streamName: string, body: unknown): string {
  return createHash('sha256').update(JSON.stringify({ streamName, body })).digest('hex');
}

/** Who, when, from where and why: the metadata every event of a command carries. */
export function eventMetadataOf(metadata: CommandMetadata, organizationId: string | null, requestHash: string): EventMetadata {
  return {
    schemaVersion: 1,
    actorId: metadata.actor.id,
    actorKind: metadata.actor.kind,
    ...(metadata.actor.email ? { actorEmail: metadata.actor.email } : {}),
    actorRoles: metadata.actor.roles,
    organizationId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    occurredAt: metadata.now,
    ...(metadata.ip ? { ip: metadata.ip } : {}),
    ...(metadata.userAgent ? { userAgent: metadata.userAgent } : {}),
    ...(metadata.idempotencyKey ? { idempotencyKey: metadata.idempotencyKey, requestHash } : {}),
  };
}

/**
 * A decided event in its envelope. Ids derived from the Idempotency-Key (and the
 * revision it was decided at) make a retried append a no-op in the store too.
 */
export function envelope(event: DomainEvent, index: number, streamName: string, revision: number, metadata: CommandMetadata, eventMetadata: EventMetadata): EventToAppend {
  return {
    id: metadata.idempotencyKey ? uuidV5(`${metadata.idempotencyKey}:${streamName}:${revision}:${index}`) : newId(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    // Each type at the schema version its data has now (upcasters bring older ones to it).
    metadata: { ...eventMetadata, schemaVersion: SCHEMA_VERSIONS[event.type] ?? 1 } as unknown as Record<string, unknown>,
  };
}

/**
 * Chains each event to the one before it in the stream (hash-chain.ts): sets
 * previousHash and hash in their metadata and returns the last hash.
 */
export function sealChain(streamName: string, firstRevision: number, events: EventToAppend[], previousHash: string | null): string | null {
  let last = previousHash;
  events.forEach((event, i) => {
    event.metadata = { ...event.metadata, previousHash: last };
    const hash = eventHash({ streamName, revision: firstRevision + i, id: event.id, type: event.type, data: event.data, metadata: event.metadata }, last);
    event.metadata.hash = hash;
    last = hash;
  });
  return last;
}
