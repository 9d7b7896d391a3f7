import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { isLearner, SYSTEM_ACTOR, type Actor, type AssignmentTarget, type CommandMetadata, type Due, type EventMetadata, type ExistingOrganization, type MembershipEvent, type StructureEvent } from '#domain';
import { LogProcessor, type LogHandler, type RecordedEvent } from '#event-store';
import { loggerFor, upcastRecorded, type Infrastructure } from '#runtime';
import { APP_LOGGER, INFRASTRUCTURE } from '../../shared/tokens.js';
import { moveDueDates } from '../../shared/write/due-dates.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { libraryStream, organizationStream, toLibrary } from '../../shared/write/stream-command.js';

/** The reactor's checkpoint: named for its first task (joiners), kept so a deployment does not handle the log again. */
export const LIBRARY_FOLLOWS_ORGANIZATION = 'assignment-joiners';

type Joined = Extract<StructureEvent, { type: 'TeamMembersAdded' }> | Extract<MembershipEvent, { type: 'ClassStudentsAdded' | 'UserInvited' }>;
const JOINS: ReadonlySet<string> = new Set(['TeamMembersAdded', 'ClassStudentsAdded', 'UserInvited']);

/**
 * Events after which due dates may sit in another zone than the organization's: a change
 * of its time zone, and an assignment decided on the zone it had just before a change.
 */
function mayLeaveDueDatesBehind(event: RecordedEvent): boolean {
  if (event.type === 'OrganizationSettingsUpdated') return (event.data as { changes?: { timeZone?: unknown } }).changes?.timeZone !== undefined;
  return event.type === 'ActivityAssigned' && (event.data as { due: Due | null }).due !== null;
}

/** The target a join reaches, and who joined. */
function joined(event: Joined): { via: Exclude<AssignmentTarget, { kind: 'members' }>; userIds: string[] } {
  switch (event.type) {
    case 'TeamMembersAdded':
      return { via: { kind: 'team', teamId: event.data.teamId }, userIds: event.data.userIds };
    case 'ClassStudentsAdded':
      return { via: { kind: 'class', classId: event.data.classId }, userIds: event.data.userIds };
    case 'UserInvited':
      return { via: { kind: 'everyone' }, userIds: [event.data.userId] };
  }
}

/** The assignment reaches the joiner on behalf of whoever made the join (the audit log names them), with the join as its cause. */
function actorOf(event: RecordedEvent): Actor {
  const m = event.metadata as Partial<EventMetadata>;
  if (!m.actorId || !m.actorKind) return SYSTEM_ACTOR;
  return { id: m.actorId, kind: m.actorKind, roles: m.actorRoles ?? [], ...(m.actorEmail ? { email: m.actorEmail } : {}) };
}

/** What the reactor decides on behalf of `actor`, now, caused by `event` and in its correlation. */
function causedBy(event: RecordedEvent, actor: Actor): CommandMetadata {
  return { actor, now: new Date().toISOString(), correlationId: (event.metadata.correlationId as string | undefined) ?? event.id, causationId: event.id };
}

/**
 * Whether a person is in the target now: a join handled late (after a restart) must not
 * assign someone who left since. Each team's or class's people are made a set once per
 * batch: an import adds 500 people at a time to a team that may already have 50,000.
 */
function stillInTargets(org: ExistingOrganization): (via: Exclude<AssignmentTarget, { kind: 'members' }>, userId: string) => boolean {
  const sets = new Map<string, ReadonlySet<string>>();
  const peopleOf = (key: string, ids: () => readonly string[] | undefined) => {
    let set = sets.get(key);
    if (!set) sets.set(key, (set = new Set(ids() ?? [])));
    return set;
  };
  return (via, userId) => {
    if (!isLearner(org.members.get(userId))) return false;
    if (via.kind === 'team') return peopleOf(`team:${via.teamId}`, () => org.teams.get(via.teamId)?.memberIds).has(userId);
    if (via.kind === 'class') return peopleOf(`class:${via.classId}`, () => org.classes.get(via.classId)?.studentIds).has(userId);
    return true;
  };
}

/**
 * The library follows its organization: a reactor on the log, with its own checkpoint in
 * the reactor store, so nothing it does is lost to a crash between the organization's
 * change and the library's. Each API process runs one; what it decides changes nothing the
 * second time, so two processes handling one event, or one handling it twice, act once.
 *
 * - People who join a team, a class or the organization receive the open assignments
 *   made to it, until they are due (issue 19; the guide's "choose recipients (individual,
 *   team, all)"), wherever the join was made (a team's member list, a bulk action, an
 *   import, an approved join request).
 * - A change of the organization's time zone moves the due dates still ahead to it, at
 *   the same local date and time (issue 22). The change's request does it first; this is
 *   what makes it happen after a crash, and for an assignment decided on the old zone
 *   while the change was being made (it is appended after the change).
 */
@Injectable()
export class LibraryFollowsOrganization implements OnApplicationBootstrap, OnApplicationShutdown, LogHandler {
  readonly name = LIBRARY_FOLLOWS_ORGANIZATION;
  private processor: LogProcessor | null = null;

  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Sealed: a join's ids are in clear; the few joins that extend an assignment are opened there (their actor).
    this.processor = new LogProcessor(this.infra.eventStore, this, { upcast: upcastRecorded, maxBatch: 500, logger: loggerFor(this.logger), sealed: true });
    await this.processor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.processor?.stop();
  }

  /** Resolves true once the events up to `position` are handled (tests). */
  reached(position: number, timeoutMs = 15_000): Promise<boolean> {
    return this.processor ? this.processor.waitFor(position, timeoutMs) : Promise.resolve(false);
  }

  checkpoint(): Promise<number> {
    return this.infra.reactorStore.checkpoint(LIBRARY_FOLLOWS_ORGANIZATION);
  }

  /**
   * The joins of a batch, by organization: each organization's library and members are
   * read once per batch (a 50,000-row import is 100,000 joins, and most organizations have
   * no open assignment at all). The checkpoint moves after the whole batch; a batch handled
   * again after a crash assigns nothing twice.
   */
  async handle(batch: RecordedEvent[]): Promise<void> {
    const byOrganization = new Map<string, RecordedEvent[]>();
    const zoneChecks = new Map<string, RecordedEvent>();
    for (const event of batch) {
      const organizationId = (event.data as { organizationId?: string }).organizationId;
      if (!organizationId) continue;
      if (JOINS.has(event.type)) byOrganization.set(organizationId, [...(byOrganization.get(organizationId) ?? []), event]);
      else if (mayLeaveDueDatesBehind(event)) zoneChecks.set(organizationId, event);
    }
    for (const [organizationId, joins] of byOrganization) await this.extend(organizationId, joins);
    for (const [organizationId, cause] of zoneChecks) await this.followTimeZone(organizationId, cause);
    if (batch.length > 0) await this.infra.reactorStore.advance(LIBRARY_FOLLOWS_ORGANIZATION, batch.at(-1)!.position);
  }

  /** Due dates still ahead move to the organization's zone as it is now (not as the event says: a later change may have followed). */
  private async followTimeZone(organizationId: string, cause: RecordedEvent): Promise<void> {
    const { state } = await this.streams.current(organizationStream(organizationId));
    if (state.status !== 'existing' || state.deletion) return;
    if (cause.type === 'ActivityAssigned' && (cause.data as { due: Due }).due.timeZone === state.timeZone) return;
    const moved = await moveDueDates(this.commands, organizationId, state.timeZone, causedBy(cause, SYSTEM_ACTOR));
    if (moved > 0) this.logger.info({ organizationId, moved, timeZone: state.timeZone }, 'moved due dates to the organization\'s time zone');
  }

  private async extend(organizationId: string, joins: RecordedEvent[]): Promise<void> {
    const { state: library } = await this.streams.current(libraryStream(organizationId));
    const openKinds = new Set([...library.assignments.values()].filter((a) => a.status === 'open').map((a) => a.target.kind));
    if (openKinds.size === 0) return;
    const { state } = await this.streams.current(organizationStream(organizationId));
    if (state.status !== 'existing' || state.deletion) return;
    const stillIn = stillInTargets(state);
    for (const event of await this.infra.vault.open(joins)) {
      const { via, userIds } = joined({ type: event.type, data: event.data } as Joined);
      if (!openKinds.has(via.kind)) continue;
      const present = userIds.filter((userId) => stillIn(via, userId));
      if (present.length === 0) continue;
      const metadata = causedBy(event, actorOf(event));
      await this.commands.execute(toLibrary(organizationId, { type: 'ExtendAssignments', data: { organizationId, via, userIds: present, now: metadata.now } }, metadata));
    }
  }
}
