import type { ExistingOrganization } from '#domain';
import { organizationNotFound } from '../problem.js';
import type { StreamCache } from './stream-cache.js';
import { organizationStream } from './stream-command.js';

/**
 * The organization as its stream says now (from the stream cache), or the 404 of one
 * that does not exist or was purged: what a process checks before it touches a second
 * stream (a reservation, the language catalogue, the blob store).
 */
export async function currentOrganization(streams: StreamCache, organizationId: string): Promise<ExistingOrganization> {
  const { state } = await streams.current(organizationStream(organizationId));
  if (state.status !== 'existing') throw organizationNotFound();
  return state;
}
