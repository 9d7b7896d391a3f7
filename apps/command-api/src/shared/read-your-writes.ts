import { CallHandler, ExecutionContext, Inject, Injectable, SetMetadata, type CanActivate, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { accountsProjection, organizationsProjection, projectionId, type Projection, type ProjectionProgress } from '#read-models';
import type { AppConfig, Infrastructure } from '#runtime';
import { ProblemException } from './problem.js';
import { APP_CONFIG, INFRASTRUCTURE, PROJECTION_PROGRESS } from './tokens.js';

/** Every query DTO accepts `minPosition`, the read-your-writes token a command returned. */
export class ConsistentQueryDto {
  @ApiPropertyOptional({ description: 'Wait (at most 5 s) until the read models include this log position. Also accepted as the X-Min-Position header.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'minPosition must be a whole number' })
  @Min(0, { message: 'minPosition must be 0 or more' })
  minPosition?: number;
}

function requestedPosition(request: FastifyRequest): number | undefined {
  const raw = ((request.query as Record<string, unknown> | undefined)?.minPosition as string | undefined) ?? (request.headers['x-min-position'] as string | undefined);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,16}$/.test(String(raw)))
    throw new ProblemException('validation-failed', 'minPosition must be a whole number', {
      errors: [{ field: 'minPosition', message: 'minPosition must be a whole number' }],
    });
  return Number(raw);
}

const ANSWERS_WHILE_CATCHING_UP = 'answersWhileCatchingUp';
/** A route that reads no read model (health): it answers while they catch up. */
export const AnswersWhileCatchingUp = () => SetMetadata(ANSWERS_WHILE_CATCHING_UP, true);

const READS_FROM = 'readsFromProjections';
/**
 * The projections a route reads (by id), so that it waits only for them: at start, and
 * for a `minPosition`. Every signed-in request reads the accounts and organizations (the
 * session check), so those are always included. A route that declares nothing waits for
 * every projection.
 */
export const ReadsFrom = (...projections: Projection[]) => SetMetadata(READS_FROM, [...new Set([accountsProjection, organizationsProjection, ...projections].map(projectionId))]);

function projectionsRead(reflector: Reflector, context: ExecutionContext): string[] | undefined {
  return reflector.getAllAndOverride<string[] | undefined>(READS_FROM, [context.getHandler(), context.getClass()]);
}

/**
 * Every request but the exempt ones (health) waits for the read models to reach the head
 * of the log as it was when the process started, or answers 503 read-model-behind: after
 * a restart that is the tail since the last checkpoint (milliseconds), after a new
 * projection version its build from the start. A guard, so it runs before the sign-in
 * guard, which reads accounts from the read models.
 */
@Injectable()
export class CaughtUpGuard implements CanActivate {
  /** The sets of projections (by their ids, joined) that have reached the start position: from then on nothing waits for them here. */
  private readonly caughtUp = new Set<string>();

  constructor(
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INFRASTRUCTURE) private readonly infra: Pick<Infrastructure, 'startPosition'>,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(ANSWERS_WHILE_CATCHING_UP, [context.getHandler(), context.getClass()])) return true;
    const reads = projectionsRead(this.reflector, context);
    const key = reads?.join(',') ?? '*';
    if (this.caughtUp.has(key) || this.caughtUp.has('*')) return true;
    const position = this.infra.startPosition;
    if (!(await this.progress.waitFor(position, this.config.readYourWritesTimeoutMs, reads)))
      throw new ProblemException('read-model-behind', `The read models are catching up with the log (position ${position}); try again shortly`, { minPosition: position }, { 'Retry-After': '1' });
    this.caughtUp.add(key);
    return true;
  }
}

/**
 * Read your writes: a GET that names a position waits until the projector has passed
 * it, or answers 503 with Retry-After so the client can come back.
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method === 'GET') {
      const position = requestedPosition(request);
      if (position !== undefined && !(await this.progress.waitFor(position, this.config.readYourWritesTimeoutMs, projectionsRead(this.reflector, context))))
        throw new ProblemException('read-model-behind', `The read models have not reached position ${position} yet`, { minPosition: position }, { 'Retry-After': '1' });
    }
    return next.handle();
  }
}
