import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/permissions.decorator.js';
import type { Infrastructure } from '#runtime';
import { lagInEvents, type ProjectionProgress } from '#event-store';
import { INFRASTRUCTURE } from '../shared/tokens.js';
import { AnswersWhileCatchingUp } from '../shared/read-your-writes.js';

/** Liveness and readiness in one: the event store, the read store, the projector's checkpoint and lag. */
@ApiTags('operations')
@AnswersWhileCatchingUp()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  check() {
    const { eventStore, readStore, progress, runner } = this.infra;
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('eventStore');
        try {
          await eventStore.ping();
          // A full disk still answers reads: the last write's failure is what tells.
          eventStore.recheckWrites?.();
          const writeError = eventStore.lastWriteError?.() ?? null;
          if (writeError) return indicator.down({ kind: eventStore.kind, writes: 'failing', lastWriteError: writeError });
          return indicator.up({ kind: eventStore.kind, headPosition: await eventStore.headPosition() });
        } catch (error) {
          return indicator.down({ kind: eventStore.kind, message: error instanceof Error ? error.message : 'unreachable' });
        }
      },
      async () => {
        const indicator = this.indicators.check('readStore');
        try {
          await readStore.ping();
          return indicator.up({ kind: readStore.kind });
        } catch (error) {
          return indicator.down({ kind: readStore.kind, message: error instanceof Error ? error.message : 'unreachable' });
        }
      },
      async () => {
        const indicator = this.indicators.check('projector');
        const { head, ...behind } = await this.behind(progress);
        const status = runner?.status();
        const data = {
          // holder: this process runs the projector now; standby: it waits for the lease;
          // elsewhere: it never runs it (RUN_PROJECTOR=false), a projector process does.
          role: this.infra.processors?.currentRole() ?? 'elsewhere',
          inProcess: runner !== null,
          headPosition: head,
          ...behind,
          ...(status ? { running: status.running, lastError: status.lastError, subscription: status.subscription } : {}),
        };
        return status && (!status.running || status.lastError) ? indicator.down(data) : indicator.up(data);
      },
      async () => {
        const indicator = this.indicators.check('auditLog');
        const { head: _head, ...behind } = await this.behind(this.infra.auditProgress);
        const follower = this.infra.auditFollower?.status();
        const lastError = follower?.lastError ?? null;
        const data = {
          store: follower ? 'sqlite' : 'read store',
          ...behind,
          lastError,
          ...(follower ? { subscription: follower.subscription } : {}),
        };
        return lastError ? indicator.down(data) : indicator.up(data);
      },
    ]);
  }

  /** A follower's checkpoint and how far behind the head of the log it is, in events (EventStoreDB's positions are byte offsets; lagAtLeast: the count stopped at its cap). */
  private async behind(progress: ProjectionProgress) {
    const { eventStore } = this.infra;
    const [checkpoint, head] = await Promise.all([progress.checkpoint(), eventStore.headPosition().catch(() => null)]);
    const lag = head === null ? null : await lagInEvents(eventStore, checkpoint, head).catch(() => null);
    return { head, checkpoint, lag: lag?.events ?? null, ...(lag?.atLeast ? { lagAtLeast: true } : {}) };
  }
}
