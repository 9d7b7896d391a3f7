import { DEFAULT_PROFILE, UpcasterChain } from '#domain';
import type { RecordedEvent } from '#event-store';

/**
 * Upcasters for stored events whose shape has changed (the versions each type is
 * written at: SCHEMA_VERSIONS in libs/domain). Both the write side and every log
 * processor read through them; stored events are never rewritten.
 */
export const UPCASTERS = new UpcasterChain()
  // Organizations created before profiles existed are companies with an empty profile
  // (multi-tenant guide, Organization Types; issue 16).
  .register('OrganizationCreated', 1, (data) => ({ ...data, profile: DEFAULT_PROFILE }))
  // Organizations created before slugs have none until an admin chooses one: a slug
  // derived here could not be reserved platform-wide, so it could clash (issue 16).
  .register('OrganizationCreated', 2, (data) => ({ ...data, slug: null }));

/** A stored event in its current shape: the one place both the write side and the projector upcast. */
export function upcastRecorded(event: RecordedEvent): RecordedEvent {
  const upcast = UPCASTERS.upcast({ type: event.type, schemaVersion: Number(event.metadata.schemaVersion ?? 1), data: event.data });
  return upcast.data === event.data ? event : { ...event, data: upcast.data };
}
