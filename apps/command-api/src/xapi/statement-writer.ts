import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { decideStatements, emailKey, mailboxOf, xapiStatementsStream, type CommandMetadata, type ExistingOrganization, type StatementBatch, type XapiStatementEvent } from '#domain';
import { backoffDelay, sleep, WrongExpectedRevisionError, type EventStore, type EventToAppend } from '#event-store';
import { learningAnalyticsProjection, projectionId, STATEMENT_STREAMS, statementDocId, STATEMENTS, statementsProjection, type ProjectionProgress, type ReadStore, type StatementDocument, type StatementStreamDocument } from '#read-models';
import type { AppConfig, Infrastructure } from '#runtime';
import type { XapiClient } from '../auth/xapi-clients.js';
import { newId, sha256Hex, uuidV5 } from '../shared/ids.js';
import { createHash } from 'node:crypto';
import { APP_CONFIG, APP_LOGGER, EVENT_STORE, INFRASTRUCTURE, PROJECTION_PROGRESS, READ_STORE } from '../shared/tokens.js';
import { eventMetadataOf, sealChain } from '../shared/write/event-envelope.js';
import { currentOrganization } from '../shared/write/current-organization.js';
import { StreamCache } from '../shared/write/stream-cache.js';
import { StreamQueue, type Settled } from '../shared/write/stream-queue.js';
import { tooManyConflicts } from '../shared/write/write-errors.js';
// Conflicts with another process get the commands' budget: the same tries and jittered backoff.
import { CONFLICT_BACKOFF, MAX_ATTEMPTS } from '../shared/write/stream-writer.js';

export interface StoredBatch {
  /** Every statement's id, in the order sent. */
  ids: string[];
  /** How many were new (a retry stores none). */
  storedCount: number;
  position: number;
}

interface Request {
  client: XapiClient;
  batch: StatementBatch;
  metadata: CommandMetadata;
}

/** What this process knows of a statements stream past what its read model holds. */
interface Tail {
  revision: number;
  position: number;
  lastHash: string | null;
  /** Statement id to hash and revision, for the events the read model may not hold yet. */
  ids: Map<string, { hash: string; revision: number }>;
}

/** Requests of one organization stored as one append: ten batches of fifty stay well under an append's 1 MiB. */
const MAX_REQUESTS_PER_APPEND = 10;
const TAILS_KEPT = 1_000;

/**
 * Stores statements in their organization's stream (issue 19), so that an id stored once
 * is never stored again, across processes and restarts, without a second store to keep
 * in step: the ids the statements read model holds, plus the stream's events past the
 * revision that read model has reached (read from the log, usually none or a few), are
 * every id the organization has. The append expects the revision those were read at, so
 * a concurrent writer in another process makes it read again and decide again.
 *
 * Requests for one organization are queued and appended together (as the stream writer
 * does for commands): one durable write for a burst of batches. Event ids derive from
 * the organization, the statement id and its retry hash, so a retried append is the same append.
 */
@Injectable()
export class StatementWriter {
  private readonly queue = new StreamQueue<Request, StoredBatch>((streamName, requests) => this.write(streamName, requests), MAX_REQUESTS_PER_APPEND);
  private readonly tails = new Map<string, Tail>();
  /** mbox_sha1sum to member, per organization state (states are never changed once made). */
  private readonly sha1Indexes = new WeakMap<ExistingOrganization, Map<string, string>>();

  constructor(
    private readonly streams: StreamCache,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @Inject(INFRASTRUCTURE) private readonly infra: Pick<Infrastructure, 'vault'>,
  ) {}

  /**
   * Stores a request's statements; answers once they are durable and, where the projector
   * runs in this process, in the read models. The wait for the read models is outside the
   * organization's queue: the next append does not wait for this one's projection, so
   * appends and projection overlap.
   */
  async store(client: XapiClient, batch: StatementBatch, metadata: CommandMetadata): Promise<StoredBatch> {
    const stored = await this.queue.push(xapiStatementsStream(client.organizationId), { client, batch, metadata });
    if (stored.storedCount > 0) await this.readYourWrites(stored.position);
    return stored;
  }

  private async write(streamName: string, requests: Request[]): Promise<Settled<StoredBatch>[]> {
    const organizationId = requests[0].client.organizationId;
    for (let attempt = 1; ; attempt++) {
      const tail = await this.catchUp(organizationId, streamName);
      const organization = await currentOrganization(this.streams, organizationId);
      const known = await this.knownIds(organizationId, requests, tail);
      const decided: { request: Request; events: XapiStatementEvent[]; ids: string[] }[] = [];
      const outcomes: (Settled<Omit<StoredBatch, 'position'>> | null)[] = [];
      for (const request of requests) {
        try {
          const { ids, events } = decideStatements(request.batch, {
            organizationId,
            timeZone: organization.timeZone,
            credentialId: request.client.credentialId,
            authority: authorityOf(request.client, this.config.publicUrl),
            now: request.metadata.now,
            newId,
            hash: sha256Hex,
            known: (id) => known.get(id),
            memberOf: (agentKey) => this.memberOf(organization, agentKey),
          });
          for (const event of events) known.set(event.data.statementId, event.data.hash);
          decided.push({ request, events, ids });
          outcomes.push({ ok: true, value: { ids, storedCount: events.length } });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      const toAppend: EventToAppend[] = decided.flatMap(({ request, events }) => {
        const metadata = eventMetadataOf(request.metadata, organizationId, '');
        return events.map((event) => ({
          // The same statement gives the same event id (the event store treats a second append of it at the
          // same revision as a retry); another statement with that id gives another, whose append then fails.
          id: uuidV5(`xapi:${organizationId}:${event.data.statementId}:${event.data.hash}`),
          type: event.type,
          data: event.data as unknown as Record<string, unknown>,
          metadata: { ...metadata } as unknown as Record<string, unknown>,
        }));
      });
      const settle = (position: number) => outcomes.map((o): Settled<StoredBatch> => (o!.ok ? { ok: true, value: { ...o!.value, position } } : o!));
      if (toAppend.length === 0) return settle(tail.position);
      // The actors' personal values under their keys, before the chain covers them (issue 20).
      await this.infra.vault.seal(toAppend);
      const lastHash = sealChain(streamName, tail.revision + 1, toAppend, tail.lastHash);
      try {
        const result = await this.events.append(streamName, toAppend, { expectedRevision: tail.revision === -1 ? 'no_stream' : tail.revision });
        toAppend.forEach((event, i) => {
          const data = event.data as unknown as XapiStatementEvent['data'];
          tail.ids.set(data.statementId, { hash: data.hash, revision: tail.revision + 1 + i });
        });
        this.remember(organizationId, { ...tail, revision: result.nextRevision, position: result.position, lastHash });
        return settle(result.position);
      } catch (error) {
        this.tails.delete(organizationId);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          this.logger.warn({ streamName, attempts: attempt }, 'giving up storing statements after repeated concurrency conflicts');
          throw tooManyConflicts();
        }
        await sleep(backoffDelay(attempt, CONFLICT_BACKOFF));
      }
    }
  }

  /**
   * The stream's head as of now, and the ids past the revision the read model holds: read
   * from this process's last known revision, or (first time, or after a conflict) from the
   * read model's revision, whose event is read too for the hash the next one chains to.
   */
  private async catchUp(organizationId: string, streamName: string): Promise<Tail> {
    const projected = (await this.readStore.collection<StatementStreamDocument>(STATEMENT_STREAMS).findOne({ _id: organizationId }))?.revision ?? -1;
    const cached = this.tails.get(organizationId);
    const tail: Tail = cached ? { ...cached, ids: new Map(cached.ids) } : { revision: -1, position: 0, lastHash: null, ids: new Map() };
    const from = cached ? cached.revision + 1 : Math.max(projected, 0);
    for (const event of await this.events.readStream(streamName, { fromRevision: from })) {
      const data = event.data as unknown as XapiStatementEvent['data'];
      if (event.revision > projected) tail.ids.set(data.statementId, { hash: data.hash, revision: event.revision });
      tail.revision = event.revision;
      tail.position = event.position;
      tail.lastHash = (event.metadata.hash as string | undefined) ?? null;
    }
    for (const [id, seen] of tail.ids) if (seen.revision <= projected) tail.ids.delete(id);
    return tail;
  }

  /** The hash of each id the requests name that the organization already has. */
  private async knownIds(organizationId: string, requests: Request[], tail: Tail): Promise<Map<string, string>> {
    const known = new Map<string, string>();
    for (const [id, seen] of tail.ids) known.set(id, seen.hash);
    const named = requests.flatMap((r) => [r.batch.statementIdParameter, ...r.batch.statements.map((s) => s.id)]).filter((id): id is string => typeof id === 'string');
    if (named.length === 0) return known;
    const found = await this.readStore
      .collection<StatementDocument>(STATEMENTS)
      .find({ _id: { $in: [...new Set(named.map((id) => statementDocId(organizationId, id.toLowerCase())))] } }, { projection: { statementId: 1, hash: 1 } });
    for (const doc of found) known.set(doc.statementId, doc.hash);
    return known;
  }

  /** The member an actor is, by mailbox, its SHA-1, or an account named by the member's id. */
  private memberOf(organization: ExistingOrganization, agentKey: string | null): string | null {
    if (!agentKey) return null;
    const mailbox = mailboxOf(agentKey);
    if (mailbox) return organization.emails.get(emailKey(mailbox)) ?? null;
    if (agentKey.startsWith('mbox_sha1sum:')) return this.sha1Index(organization).get(agentKey.slice('mbox_sha1sum:'.length)) ?? null;
    if (agentKey.startsWith('account:')) {
      const name = agentKey.slice(agentKey.lastIndexOf('|') + 1);
      return organization.members.get(name)?.id ?? null;
    }
    return null;
  }

  private sha1Index(organization: ExistingOrganization): Map<string, string> {
    let index = this.sha1Indexes.get(organization);
    if (!index) {
      index = new Map([...organization.members.values()].map((m) => [mboxSha1Of(m.email), m.id]));
      this.sha1Indexes.set(organization, index);
    }
    return index;
  }

  private remember(organizationId: string, tail: Tail): void {
    this.tails.delete(organizationId);
    this.tails.set(organizationId, tail);
    if (this.tails.size > TAILS_KEPT) this.tails.delete(this.tails.keys().next().value!);
  }

  /** Where the projector runs in this process, a POST answers once its statements can be read back, and are in the reports. */
  private async readYourWrites(position: number): Promise<void> {
    if (!this.config.xapiWaitForProjection) return;
    if (!(await this.progress.waitFor(position, this.config.readYourWritesTimeoutMs, [projectionId(statementsProjection), projectionId(learningAnalyticsProjection)])))
      this.logger.warn({ position }, 'the statements read model did not catch up before the statements were answered');
  }
}

/** The mbox_sha1sum of an address, as xAPI defines it: SHA-1 of `mailto:<address>`. */
export const mboxSha1Of = (email: string): string => createHash('sha1').update(`mailto:${email.toLowerCase()}`).digest('hex');

/**
 * The authority the LRS vouches for a statement with (xAPI: the LRS sets it from the
 * credentials): the credential, as an account on this service.
 */
export function authorityOf(client: XapiClient, baseUrl: string): Record<string, unknown> {
  return { objectType: 'Agent', name: client.credentialName, account: { homePage: `${baseUrl.replace(/\/$/, '')}/xapi`, name: client.key } };
}
