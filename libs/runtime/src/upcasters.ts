import { UpcasterChain } from '#domain';
import type { RecordedEvent } from '#event-store';

/**
 * Upcasters for stored events whose shape has changed. Every event so far is at
 * schema version 1; a future version 2 registers its step here, and both the write
 * side and the projector read through it.
 */
export const UPCASTERS = new UpcasterChain();

/** A stored event in its current shape: the one place both the write side and the projector upcast. */
export function upcastRecorded(event: RecordedEvent): RecordedEvent {
  const upcast = UPCASTERS.upcast({ type: event.type, schemaVersion: Number(event.metadata.schemaVersion ?? 1), data: event.data });
  return upcast.data === event.data ? event : { ...event, data: upcast.data };
}
