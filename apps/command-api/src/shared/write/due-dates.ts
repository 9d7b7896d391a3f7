import type { CommandBus } from '@nestjs/cqrs';
import type { CommandMetadata } from '#domain';
import { toLibrary, type CommandResult } from './stream-command.js';

/** Assignments moved per append: one append stays far below EventStoreDB's size limit whatever the library holds. */
export const DUE_DATES_PER_APPEND = 500;

/**
 * Moves the organization's due dates still ahead to `timeZone`, each at the same local
 * date and time (issue 22), in appends of at most DUE_DATES_PER_APPEND assignments; answers
 * how many moved. Idempotent: due dates already in the zone are left, so the change's own
 * process and the reactor that backs it up (content/following-organization) may both run it.
 */
export async function moveDueDates(commands: CommandBus, organizationId: string, timeZone: string, metadata: CommandMetadata): Promise<number> {
  let moved = 0;
  for (;;) {
    const result: CommandResult = await commands.execute(toLibrary(organizationId, { type: 'RescheduleDueDates', data: { organizationId, timeZone, now: metadata.now, limit: DUE_DATES_PER_APPEND } }, metadata));
    const event = result.appended[0] as { data: { assignments: unknown[] } } | undefined;
    if (!event) return moved;
    moved += event.data.assignments.length;
  }
}
