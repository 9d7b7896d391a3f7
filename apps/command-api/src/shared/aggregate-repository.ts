import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  DomainError,
  fold,
  type CommandMetadata,
  type Decider,
  type DomainEvent,
  type EventMetadata,
  type UpcasterChain,
} from '#domain';
import { eventHash } from '#event-store';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
} from '#event-store';
import type { ProjectionProgress } from '#read-models';
import type { AppConfig } from '../config.js';
import { newId, uuidV5 } from './ids.js';
import { ProblemException } from './problem.js';
import { APP_CONFIG, APP_LOGGER, EVENT_STORE, PROJECTION_PROGRESS } from './tokens.js';
import { upcastRecorded } from './upcasters.js';

/** What every command answers: the stream's new revision and the log position of its last event. */
export interface CommandResult<State = unknown> {
  revision: number;
  /** The version of the resource the command was about (its ETag), when it still exists; else the stream's revision. */
  version: number;
  position: number;
  state: State;
  /** Events this call appended; empty when nothing changed or when an idempotent retry was answered. */
  appended: DomainEvent[];
}

interface CachedStream<State> {
  state: State;
  revision: number;
  position: number;
  /** Idempotency keys seen in this stream, with the result of the command that carried them. */
  idempotency: Map<string, { requestHash: string; revision: number; position: number }>;
  /** Hash of the stream's last event: the next event's previousHash (tamper evidence). */
  lastHash: string | null;
}

const MAX_ATTEMPTS = 5;
const CACHE_LIMIT = 10_000;
const MAX_BATCH = 500;

interface HandleOptions<C, E extends DomainEvent, S> {
  streamName: string;
  decider: Decider<C, E, S>;
  command: C;
  metadata: CommandMetadata;
  organizationId: string | null;
  /** The version the client last saw (If-Match); a mismatch is a 412, never a retry. */
  expectedRevision?: number;
  /**
   * Reads the version of the resource the command is about (an organization profile,
   * a user, a class). Without it the stream's revision stands for the version.
   */
  versionOf?: (state: S) => number | undefined;
  /** What identifies the request: the same Idempotency-Key with another body is refused. */
  requestBody?: unknown;
}

interface Queued {
  options: HandleOptions<unknown, DomainEvent, unknown>;
  resolve: (result: CommandResult) => void;
  reject: (error: unknown) => void;
}

type Outcome =
  | { entry: Queued; revision: number; version: number; position: number | null; state: unknown; appended: DomainEvent[] }
  | { entry: Queued; error: unknown };

function settle(outcome: Outcome, position: number): void {
  if ('error' in outcome) outcome.entry.reject(outcome.error);
  else outcome.entry.resolve({ revision: outcome.revision, version: outcome.version, position: outcome.position ?? position, state: outcome.state, appended: outcome.appended });
}

/**
 * Loads a stream, folds it through a decider, decides, and appends at the revision it
 * read. On a concurrency conflict it reloads and decides again, so rules are always
 * checked on fresh state; with If-Match the conflict is the client's answer instead.
 *
 * State is cached by stream and revision: a load reads only the events after the
 * cached revision, so the cost of a command does not grow with the stream's history,
 * and a stale cache can never be decided on.
 */
@Injectable()
export class AggregateRepository {
  private readonly cache = new Map<string, CachedStream<unknown>>();
  private readonly queues = new Map<string, Queued[]>();

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async load<C, E extends DomainEvent, S>(streamName: string, decider: Decider<C, E, S>): Promise<CachedStream<S>> {
    const cached = this.cache.get(streamName) as CachedStream<S> | undefined;
    const fromRevision = cached ? cached.revision + 1 : 0;
    const tail = await this.events.readStream(streamName, { fromRevision });
    if (cached && tail.length === 0) return cached;
    const base: CachedStream<S> = cached
      ? { ...cached, idempotency: new Map(cached.idempotency) }
      : { state: decider.initialState(), revision: -1, position: 0, idempotency: new Map(), lastHash: null };
    const upcast = tail.map(upcastRecorded);
    const next: CachedStream<S> = {
      state: fold(decider, upcast.map((e) => ({ type: e.type, data: e.data }) as E), base.state),
      revision: tail.length ? tail[tail.length - 1].revision : base.revision,
      position: tail.length ? tail[tail.length - 1].position : base.position,
      idempotency: base.idempotency,
      lastHash: tail.length ? ((tail[tail.length - 1].metadata.hash as string | undefined) ?? null) : base.lastHash,
    };
    for (const event of tail) {
      const key = event.metadata.idempotencyKey as string | undefined;
      if (key) next.idempotency.set(key, { requestHash: String(event.metadata.requestHash ?? ''), revision: event.revision, position: event.position });
    }
    this.remember(streamName, next);
    return next;
  }

  /**
   * Decides a command on the stream's current state and appends its events.
   *
   * Commands for one stream are queued in this process and decided together, one
   * after the other on the evolving state, then appended as one batch at the revision
   * they were decided on. Each command keeps its own outcome: a rule one of them breaks
   * fails that one only. So a burst of commands on one organization (an admin inviting
   * a class list) neither conflicts with itself nor waits for one commit per command.
   * Conflicts with other processes reload and decide again.
   */
  handle<C, E extends DomainEvent, S>(options: HandleOptions<C, E, S>): Promise<CommandResult<S>> {
    return new Promise((resolve, reject) => {
      const entry = { options, resolve, reject } as unknown as Queued;
      const queue = this.queues.get(options.streamName);
      if (queue) {
        queue.push(entry);
        return;
      }
      this.queues.set(options.streamName, [entry]);
      void this.drain(options.streamName);
    });
  }

  private async drain(streamName: string): Promise<void> {
    const queue = this.queues.get(streamName)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        await this.runBatch(streamName, batch);
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.queues.delete(streamName);
  }

  private async runBatch(streamName: string, batch: Queued[]): Promise<void> {
    const decider = batch[0].options.decider;
    for (let attempt = 1; ; attempt++) {
      const stream = await this.load(streamName, decider);
      let state = stream.state;
      let revision = stream.revision;
      const idempotency = new Map(stream.idempotency);
      const toAppend: EventToAppend[] = [];
      const outcomes: Outcome[] = [];

      for (const entry of batch) {
        const { command, metadata, versionOf } = entry.options;
        const versionIn = (s: unknown, streamRevision: number) => (versionOf ? (versionOf(s) ?? streamRevision) : streamRevision);
        try {
          // Only an Idempotency-Key needs the request's hash (to refuse the key with another body).
          const requestHash = metadata.idempotencyKey
            ? createHash('sha256').update(JSON.stringify({ streamName, body: entry.options.requestBody ?? command })).digest('hex')
            : '';
          if (metadata.idempotencyKey) {
            const seen = idempotency.get(metadata.idempotencyKey);
            if (seen) {
              if (seen.requestHash !== requestHash)
                throw new ProblemException(422, 'idempotency-key-reused', 'This Idempotency-Key was already used with a different request');
              // A key first seen in this very batch has no position until the batch is stored.
              outcomes.push({ entry, revision: seen.revision, version: versionIn(state, seen.revision), position: seen.position || null, state, appended: [] });
              continue;
            }
          }
          const expected = entry.options.expectedRevision;
          if (expected !== undefined) {
            // A resource that does not exist is left to the decider (its 404 says more than a 412).
            const current = versionOf ? versionOf(state) : revision;
            if (current !== undefined && current !== expected) throw staleRevision(expected, current);
          }
          const decided = decider.decide(command, state);
          if (decided.length === 0) {
            outcomes.push({ entry, revision, version: versionIn(state, revision), position: null, state, appended: [] });
            continue;
          }
          const eventMetadata = this.metadataFor(entry.options, requestHash);
          decided.forEach((event, i) =>
            toAppend.push({
              // Ids derived from the Idempotency-Key make a retried append a no-op in the store too.
              id: metadata.idempotencyKey ? uuidV5(`${metadata.idempotencyKey}:${streamName}:${revision}:${i}`) : newId(),
              type: event.type,
              data: event.data as Record<string, unknown>,
              metadata: { ...eventMetadata } as unknown as Record<string, unknown>,
            }),
          );
          state = fold(decider, decided, state);
          revision += decided.length;
          if (metadata.idempotencyKey) idempotency.set(metadata.idempotencyKey, { requestHash, revision, position: 0 });
          outcomes.push({ entry, revision, version: versionIn(state, revision), position: null, state, appended: decided });
        } catch (error) {
          outcomes.push({ entry, error });
        }
      }

      if (toAppend.length === 0) {
        for (const o of outcomes) settle(o, stream.position);
        return;
      }
      // Chain each event to the one before it in the stream (see hash-chain.ts).
      let previousHash = stream.lastHash;
      toAppend.forEach((event, i) => {
        event.metadata = { ...event.metadata, previousHash };
        const hash = eventHash({ streamName, revision: stream.revision + 1 + i, id: event.id, type: event.type, data: event.data, metadata: event.metadata }, previousHash);
        event.metadata.hash = hash;
        previousHash = hash;
      });
      try {
        const result = await this.events.append(streamName, toAppend, { expectedRevision: stream.revision === -1 ? 'no_stream' : stream.revision });
        for (const [key, seen] of idempotency) if (seen.position === 0) idempotency.set(key, { ...seen, position: result.position });
        this.remember(streamName, { state, revision: result.nextRevision, position: result.position, idempotency, lastHash: previousHash });
        await this.readYourWrites(result.position);
        // Every command of the batch answers with the batch's last position: a safe
        // read-your-writes token for each of them.
        for (const o of outcomes) settle(o, result.position);
        return;
      } catch (error) {
        // The batch's state was evolved but not stored: the cached state must go, whatever failed.
        this.cache.delete(streamName);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          this.logger.warn({ streamName, attempts: attempt }, 'giving up after repeated concurrency conflicts');
          throw new ProblemException(409, 'concurrency-conflict', 'Too many concurrent changes to this resource; try again');
        }
        // Decide the whole batch again on fresh state (If-Match commands then see the new revision).
      }
    }
  }

  private metadataFor(options: HandleOptions<unknown, DomainEvent, unknown>, requestHash: string): EventMetadata {
    const { metadata } = options;
    return {
      schemaVersion: 1,
      actorId: metadata.actor.id,
      actorKind: metadata.actor.kind,
      ...(metadata.actor.email ? { actorEmail: metadata.actor.email } : {}),
      actorRoles: metadata.actor.roles,
      organizationId: options.organizationId,
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      occurredAt: metadata.now,
      ...(metadata.ip ? { ip: metadata.ip } : {}),
      ...(metadata.userAgent ? { userAgent: metadata.userAgent } : {}),
      ...(metadata.idempotencyKey ? { idempotencyKey: metadata.idempotencyKey, requestHash } : {}),
    };
  }

  /** In the embedded default, a command answers once its events are in the read models. */
  private async readYourWrites(position: number): Promise<void> {
    if (!this.config.waitForProjectionOnWrite) return;
    const projected = await this.progress.waitFor(position, this.config.readYourWritesTimeoutMs);
    if (!projected) this.logger.warn({ position }, 'read models did not catch up before the command answered');
  }

  private remember(streamName: string, entry: CachedStream<unknown>): void {
    this.cache.delete(streamName);
    this.cache.set(streamName, entry);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }
}

/** A resource's version as an entity tag (RFC 9110, 8.8.3): strong, quoted. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * RFC 9110, 13.1.1: a stale If-Match is 412 Precondition Failed, with the current ETag
 * so the client can reload and decide again.
 */
export function staleRevision(expected: number, actual: number): ProblemException {
  return new ProblemException(
    412,
    'stale-revision',
    `The resource is at version ${actual}, not ${expected}; reload it and try again`,
    { expectedRevision: expected, currentRevision: actual },
    { ETag: etagOf(actual) },
  );
}

/**
 * Parses If-Match as RFC 9110 writes it: `"3"` (the ETag as sent), a bare `3` is
 * accepted too. A weak tag (`W/"3"`) never matches under the strong comparison If-Match
 * uses, and neither does `*`-less garbage in quotes: both are a 412 (-1 never matches).
 * Only a value that is no entity tag at all is a 400. Absent means no precondition.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const value = header.trim();
  // "Any current representation": whether there is one is the decider's 404 to give.
  if (value === '*') return undefined;
  const strong = /^"?(\d{1,15})"?$/.exec(value);
  if (strong) return Number(strong[1]);
  if (/^(W\/)?"[\x21\x23-\x7e]*"$/.test(value)) return -1;
  throw new ProblemException(400, 'invalid-if-match', 'If-Match must be an ETag as a GET returned it, for example If-Match: "3"');
}

