import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Cron } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { addDays, datesBetween, localDateOf, SYSTEM_ACTOR, type CommandMetadata } from '#domain';
import type { EventStore } from '#event-store';
import {
  dayFiguresOf,
  LEARNING_DAYS,
  learningAnalyticsProjection,
  ORGANIZATIONS,
  projectionId,
  ReadStoreLease,
  type LearningDayDocument,
  type OrganizationDocument,
  type ProjectionProgress,
  type ReadStore,
} from '#read-models';
import type { AppConfig } from '#runtime';
import { APP_CONFIG, APP_LOGGER, EVENT_STORE, PROJECTION_PROGRESS, READ_STORE } from '../../shared/tokens.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { learningDaysStream, toLearningDays } from '../../shared/write/stream-command.js';

/** Every minute: a day is closed within a minute of its local midnight. */
export const CLOSE_DAYS_CRON = '* * * * *';
/** The lease that makes one process of several close the days (the streams would refuse a second close anyway). */
export const CLOSE_DAYS_LEASE = 'learning-day-closing';
/** How far back a first closing goes: statements dated years ago (a backfill) do not open years of days to close. */
const FIRST_CLOSING_DAYS_BACK = 400;
/** How long a run waits for the analytics to include every statement stored before it began. */
const CATCH_UP_MS = 30_000;

/**
 * Closing the day (issue 19): at local midnight in each organization's time zone, the day
 * that ended is closed with its figures (active learners, statements, completions, time
 * spent), as an event of the organization's learning-days stream; the dashboard's period
 * comparisons then use figures that no longer move. A day is what the zone's calendar
 * says, so the days of a DST change (23 and 25 hours) are closed like any other.
 *
 * - One process: the job runs everywhere and works where it holds the lease.
 * - Idempotent: the stream closes a date once; a rerun, or a second process, decides nothing.
 * - Catches up: every day from the last closed one (or the organization's first day of
 *   learning) to yesterday is closed, in order, so downtime leaves no day open.
 */
@Injectable()
export class CloseLearningDaysJob implements OnModuleDestroy {
  private running: Promise<number> | null = null;
  private readonly lease: ReadStoreLease;

  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.lease = new ReadStoreLease(readStore, CLOSE_DAYS_LEASE, { ttlMs: 5 * 60_000 });
  }

  @Cron(CLOSE_DAYS_CRON, { name: 'close-learning-days' })
  async onSchedule(): Promise<void> {
    if (this.config.closeLearningDays) await this.closeDue(new Date());
  }

  /** Closes every day over at `now`; answers how many it closed (0 where another process holds the lease). One run at a time per process. */
  closeDue(now: Date): Promise<number> {
    this.running ??= this.run(now).finally(() => (this.running = null));
    return this.running;
  }

  async onModuleDestroy(): Promise<void> {
    await this.running?.catch(() => {});
    await this.lease.release();
  }

  private async run(now: Date): Promise<number> {
    if (!(this.lease.held() ? await this.lease.renew() : await this.lease.tryAcquire())) return 0;
    // Every statement stored before this run is in the figures it closes with.
    const head = await this.events.headPosition();
    if (!(await this.progress.waitFor(head, CATCH_UP_MS, [projectionId(learningAnalyticsProjection)]))) {
      this.logger.warn({ head }, 'the analytics have not caught up with the log; closing the days waits for the next run');
      return 0;
    }
    let closed = 0;
    const organizations = await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).find({}, { projection: { timeZone: 1 } });
    for (const organization of organizations) {
      try {
        closed += await this.closeOrganization(organization._id, organization.timeZone, now);
      } catch (error) {
        // One organization's failure does not hold up the others; its days close at the next run.
        this.logger.error({ err: error, organizationId: organization._id }, 'closing learning days failed; trying again at the next run');
      }
    }
    if (closed > 0) this.logger.info({ closed }, 'closed learning days');
    return closed;
  }

  private async closeOrganization(organizationId: string, timeZone: string, now: Date): Promise<number> {
    const { state } = await this.streams.current(learningDaysStream(organizationId));
    const today = localDateOf(now.getTime(), timeZone);
    const first = state.lastClosed ? addDays(state.lastClosed, 1) : await this.firstDayToClose(organizationId, today);
    if (!first) return 0;
    let closed = 0;
    for (const date of datesBetween(first, today)) {
      const correlationId = randomUUID();
      const metadata: CommandMetadata = { actor: SYSTEM_ACTOR, now: now.toISOString(), correlationId, causationId: correlationId };
      const figures = await dayFiguresOf(this.readStore, organizationId, date);
      const result = await this.commands.execute(toLearningDays(organizationId, { type: 'CloseLearningDay', data: { organizationId, date, timeZone, figures, now: metadata.now } }, metadata));
      if ((result as { appended: unknown[] }).appended.length > 0) closed++;
    }
    return closed;
  }

  /** Where the closing starts for an organization that has closed none: its first local date with a statement, at most FIRST_CLOSING_DAYS_BACK ago. */
  private async firstDayToClose(organizationId: string, today: string): Promise<string | null> {
    const [first] = await this.readStore.collection<LearningDayDocument>(LEARNING_DAYS).find({ organizationId }, { sort: { date: 1 }, limit: 1, projection: { date: 1 } });
    if (!first) return null;
    const earliest = addDays(today, -FIRST_CLOSING_DAYS_BACK);
    return first.date < earliest ? earliest : first.date;
  }
}
