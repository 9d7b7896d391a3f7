import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { fold, personalFieldsOf, type DomainEvent } from '#domain';
import { backoffDelay, sleep, WrongExpectedRevisionError, type BackoffPolicy, type EventStore, type EventToAppend } from '#event-store';
import { projectionId, type ProjectionProgress } from '#read-models';
import type { AppConfig, Infrastructure } from '#runtime';
import { APP_CONFIG, APP_LOGGER, EVENT_STORE, INFRASTRUCTURE, PROJECTION_PROGRESS } from '../tokens.js';
import { envelope, eventMetadataOf, requestHashOf, sealChain } from './event-envelope.js';
import { StreamCache, type SeenKey } from './stream-cache.js';
import { StreamCommand, type CommandResult } from './stream-command.js';
import { StreamQueue, type Settled } from './stream-queue.js';
import { idempotencyKeyReused, staleRevision, tooManyConflicts } from './write-errors.js';

/**
 * Conflicts with another process (replicas on one organization) are decided again on
 * fresh state. A command sent with If-Match answers 412 at its first re-decision, so
 * the budget serves commands without it: ten tries, with jittered backoff from 8 ms to
 * at most 200 ms (about a second in all), so racing replicas spread out rather than
 * colliding again in step.
 */
export const MAX_ATTEMPTS = 10;
export const CONFLICT_BACKOFF: BackoffPolicy = { initialMs: 8, maxMs: 200 };
const MAX_BATCH = 500;

type AnyCommand = StreamCommand<unknown, unknown>;

/**
 * An event's size in an append, closely enough: its JSON data and metadata, its id and
 * type, and a margin for the hash chain's two hashes (added to the metadata after) and the
 * framing.
 */
const appendSizeOf = (event: EventToAppend): number =>
  Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata)) + event.type.length + 256 + personalFieldsOf(event).length * SEALING_OVERHEAD;
/** What sealing adds to a personal value (key id, iv, tag, base64 and a JSON string's quotes), with room. */
const SEALING_OVERHEAD = 160;
/** A command's outcome before the batch is stored: position null until the append answers. */
type Decided = { ok: true; value: Omit<CommandResult, 'position'> & { position: number | null } } | { ok: false; error: unknown };

/**
 * Decides commands on a stream's current state and appends their events at the revision
 * they were decided on.
 *
 * Commands for one stream are queued in this process and decided together, one after
 * the other on the evolving state, then appended as one batch. Each command keeps its
 * own outcome: a rule one of them breaks fails that one only. So a burst of commands on
 * one organization (an admin inviting a class list) neither conflicts with itself nor
 * waits for one commit per command. A conflict with another process reloads and decides
 * the batch again, after a short jittered wait; with If-Match the conflict is the
 * client's answer (412) instead.
 */
@Injectable()
export class StreamWriter {
  private readonly queue = new StreamQueue<AnyCommand, CommandResult>((streamName, batch) => this.writeBatch(streamName, batch), MAX_BATCH);

  constructor(
    private readonly streams: StreamCache,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @Inject(INFRASTRUCTURE) private readonly infra: Pick<Infrastructure, 'projections' | 'vault'>,
  ) {}

  write<C, S>(command: StreamCommand<C, S>): Promise<CommandResult<S>> {
    if (command.options.dryRun) return this.decideOnly(command as AnyCommand) as Promise<CommandResult<S>>;
    return this.queue.push(command.stream.streamName, command as AnyCommand) as Promise<CommandResult<S>>;
  }

  /**
   * A dry run: the command decided on the stream's current state, with its If-Match
   * checked and its rules applied (the same problems as the real thing), and nothing
   * appended. It answers the version the resource has now and the state it would have.
   */
  private async decideOnly(entry: AnyCommand): Promise<CommandResult> {
    const { stream: target, command, options } = entry;
    const stream = await this.streams.load(target.streamName, target.decider);
    const versionOf = target.versionOf?.(command);
    const current = versionOf ? versionOf(stream.state) : stream.revision;
    if (options.expectedRevision !== undefined && current !== undefined && current !== options.expectedRevision) throw staleRevision(options.expectedRevision, current);
    const decided = target.decider.decide(command, stream.state);
    return { revision: stream.revision, version: current ?? stream.revision, position: stream.position, state: fold(target.decider, decided, stream.state), appended: [] };
  }

  /**
   * Writes a batch as one append, or as several when its events would not fit in one
   * (EventStoreDB refuses an append over its maximum size, 1 MiB by default): each part
   * ends on a command's last event, and the rest is decided on the state the part left.
   */
  private async writeBatch(streamName: string, batch: AnyCommand[]): Promise<Settled<CommandResult>[]> {
    const settled: Settled<CommandResult>[] = [];
    let rest = batch;
    while (rest.length > 0) {
      const part = await this.writePart(streamName, rest);
      settled.push(...part.settled);
      rest = rest.slice(part.settled.length);
    }
    return settled;
  }

  /** Decides commands from the front of `batch` while their events fit in one append, and appends them. */
  private async writePart(streamName: string, batch: AnyCommand[]): Promise<{ settled: Settled<CommandResult>[] }> {
    const { decider } = batch[0].stream;
    for (let attempt = 1; ; attempt++) {
      const stream = await this.streams.load(streamName, decider);
      let state = stream.state;
      let revision = stream.revision;
      const idempotency = new Map<string, SeenKey>(stream.idempotency);
      const toAppend: EventToAppend[] = [];
      const outcomes: Decided[] = [];

      let bytes = 0;
      for (const entry of batch) {
        const { command, metadata, options, stream: target } = entry;
        // A part is full: the rest waits for the next one (a single command always goes, whatever its size).
        if (bytes >= this.config.appendMaxBytes) break;
        const versionOf = target.versionOf?.(command);
        const versionIn = (s: unknown, streamRevision: number) => (versionOf ? (versionOf(s) ?? streamRevision) : streamRevision);
        try {
          const key = metadata.idempotencyKey;
          const requestHash = key ? requestHashOf(streamName, options.requestBody ?? command) : '';
          const seen = key ? idempotency.get(key) : undefined;
          if (seen) {
            if (seen.requestHash !== requestHash) throw idempotencyKeyReused();
            // A key first seen in this very batch has no position until the batch is stored.
            outcomes.push({ ok: true, value: { revision: seen.revision, version: versionIn(state, seen.revision), position: seen.position || null, state, appended: [] } });
            continue;
          }
          if (options.expectedRevision !== undefined) {
            // A resource that does not exist is left to the decider (its 404 says more than a 412).
            const current = versionOf ? versionOf(state) : revision;
            if (current !== undefined && current !== options.expectedRevision) throw staleRevision(options.expectedRevision, current);
          }
          const decided = decider.decide(command, state);
          if (decided.length > 0) {
            const eventMetadata = eventMetadataOf(metadata, target.organizationId, requestHash);
            const enveloped = decided.map((event, i) => envelope(event, i, streamName, revision, metadata, eventMetadata));
            // A batch of one command is appended whole whatever its size: nothing to measure.
            const size = batch.length > 1 ? enveloped.reduce((sum, e) => sum + appendSizeOf(e), 0) : 0;
            // This command's events would overflow a part that already holds some: it starts the next part.
            if (toAppend.length > 0 && bytes + size > this.config.appendMaxBytes) break;
            bytes += size;
            toAppend.push(...enveloped);
            state = fold(decider, decided, state);
            revision += decided.length;
            if (key) idempotency.set(key, { requestHash, revision, position: 0 });
          }
          outcomes.push({ ok: true, value: { revision, version: versionIn(state, revision), position: null, state, appended: decided as DomainEvent[] } });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }

      if (toAppend.length === 0) return { settled: outcomes.map((o) => settle(o, stream.position)) };
      // Personal values under their people's keys, before the chain covers them (issue 20).
      await this.infra.vault.seal(toAppend);
      const lastHash = sealChain(streamName, stream.revision + 1, toAppend, stream.lastHash);
      try {
        const result = await this.events.append(streamName, toAppend, { expectedRevision: stream.revision === -1 ? 'no_stream' : stream.revision });
        for (const [key, seen] of idempotency) if (seen.position === 0) idempotency.set(key, { ...seen, position: result.position });
        this.streams.remember(streamName, { state, revision: result.nextRevision, position: result.position, idempotency, lastHash });
        await this.readYourWrites(result.position, streamName, toAppend);
        // Every command of the batch answers with the batch's last position: a safe
        // read-your-writes token for each of them.
        return { settled: outcomes.map((o) => settle(o, result.position)) };
      } catch (error) {
        // Whatever failed, the stored stream may differ from what was decided on: read it again next time.
        this.streams.forget(streamName);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          this.logger.warn({ streamName, attempts: attempt }, 'giving up after repeated concurrency conflicts');
          throw tooManyConflicts();
        }
        // Decide the whole batch again on fresh state (If-Match commands then see the new revision).
        await sleep(backoffDelay(attempt, CONFLICT_BACKOFF));
      }
    }
  }

  /**
   * Where the projector runs in this process, a command answers once its events are in
   * the read models that read them (a build of an unrelated one does not hold it back).
   */
  private async readYourWrites(position: number, streamName: string, appended: EventToAppend[]): Promise<void> {
    if (!this.config.waitForProjectionOnWrite) return;
    const recorded = appended.map((event) => ({ ...event, streamName, revision: 0, position, recordedAt: '' }));
    const readers = this.infra.projections.filter((projection) => recorded.some((event) => projection.canHandle(event))).map(projectionId);
    if (readers.length === 0) return;
    const projected = await this.progress.waitFor(position, this.config.readYourWritesTimeoutMs, readers);
    if (!projected) this.logger.warn({ position }, 'read models did not catch up before the command answered');
  }
}

function settle(outcome: Decided, position: number): Settled<CommandResult> {
  return outcome.ok ? { ok: true, value: { ...outcome.value, position: outcome.value.position ?? position } } : outcome;
}

/** The one handler of the write side: every StreamCommand on the bus comes here. */
@CommandHandler(StreamCommand)
export class StreamCommandHandler implements ICommandHandler<AnyCommand> {
  constructor(private readonly writer: StreamWriter) {}

  execute(command: AnyCommand): Promise<CommandResult> {
    return this.writer.write(command);
  }
}
