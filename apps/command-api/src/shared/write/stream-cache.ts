import { Inject, Injectable } from '@nestjs/common';
import { fold, type Decider, type DomainEvent } from '#domain';
import type { EventStore } from '#event-store';
import { EVENT_STORE } from '../tokens.js';
import { upcastRecorded } from '#runtime';

/** A stream as the write side decides on it: its state at a revision, and what a new append chains to. */
export interface StreamSnapshot<State> {
  state: State;
  revision: number;
  position: number;
  /** Idempotency keys seen in this stream, with the hash of the request that carried them. */
  idempotency: ReadonlyMap<string, SeenKey>;
  /** Hash of the stream's last event: the next event's previousHash (tamper evidence). */
  lastHash: string | null;
}

export interface SeenKey {
  requestHash: string;
  revision: number;
  position: number;
}

const CACHE_LIMIT = 10_000;

/**
 * Streams folded through their decider, cached by stream and revision: a load reads only
 * the events after the cached revision, so the cost of a command does not grow with the
 * stream's history, and a stale cache can never be decided on (the append checks the
 * revision). Snapshots are never changed once made: evolve returns new state.
 */
@Injectable()
export class StreamCache {
  private readonly cache = new Map<string, StreamSnapshot<unknown>>();

  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  /** The stream's current state: also how services read the write model (an organization's SSO providers, a class's owner). */
  async load<C, S>(streamName: string, decider: Decider<C, DomainEvent, S>): Promise<StreamSnapshot<S>> {
    const cached = this.cache.get(streamName) as StreamSnapshot<S> | undefined;
    const tail = await this.events.readStream(streamName, { fromRevision: cached ? cached.revision + 1 : 0 });
    if (cached && tail.length === 0) return cached;
    const base: StreamSnapshot<S> = cached ?? { state: decider.initialState(), revision: -1, position: 0, idempotency: new Map(), lastHash: null };
    const upcast = tail.map(upcastRecorded);
    const idempotency = new Map(base.idempotency);
    for (const event of tail) {
      const key = event.metadata.idempotencyKey as string | undefined;
      if (key) idempotency.set(key, { requestHash: String(event.metadata.requestHash ?? ''), revision: event.revision, position: event.position });
    }
    const last = tail.at(-1);
    const next: StreamSnapshot<S> = {
      state: fold(decider, upcast.map((e) => ({ type: e.type, data: e.data })), base.state),
      revision: last ? last.revision : base.revision,
      position: last ? last.position : base.position,
      idempotency,
      lastHash: last ? ((last.metadata.hash as string | undefined) ?? null) : base.lastHash,
    };
    this.remember(streamName, next);
    return next;
  }

  /** The state of a stream as the write side would decide on it now. */
  current<C, S>(stream: { streamName: string; decider: Decider<C, DomainEvent, S> }): Promise<StreamSnapshot<S>> {
    return this.load(stream.streamName, stream.decider);
  }

  remember(streamName: string, snapshot: StreamSnapshot<unknown>): void {
    this.cache.delete(streamName);
    this.cache.set(streamName, snapshot);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }

  /** After a failed append: the next load reads the stream again. */
  forget(streamName: string): void {
    this.cache.delete(streamName);
  }
}
