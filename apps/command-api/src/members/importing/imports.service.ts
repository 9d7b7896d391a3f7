import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import {
  DomainError,
  driftedLines,
  emailKey,
  importDecider,
  importStreamName,
  importTotals,
  planImport,
  type CommandMetadata,
  type Decider,
  type DomainEvent,
  type ImportCommand,
  type ImportRow,
  type ImportState,
  type ImportTotals,
  type PlannedRow,
} from '#domain';
import { ACCOUNTS, type AccountDocument, type ReadStore } from '#read-models';
import type { BlobStore } from '#side-stores';
import { mapConcurrently } from '../../shared/concurrency.js';
import { newId } from '../../shared/ids.js';
import { APP_LOGGER, BLOB_STORE, READ_STORE } from '../../shared/tokens.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCommand, toOrganization, type StreamOf } from '../../shared/write/stream-command.js';
import { InviteUser } from '../inviting.js';
import { SetupTokens } from '../setup-tokens.js';

/** Rows applied between two recorded progress marks: what a crash may make the resume look at again. */
export const IMPORT_BATCH = 500;
/**
 * Rows of a batch in flight at once: the whole batch, so the organization's stream queue
 * decides it in few appends and the projector takes it in few batches. Bench row 9,
 * alternated in one session: 64 in flight 79.9 s and 70.5 s, 256 59.4 s, 500 52.6 s.
 */
const IN_FLIGHT = IMPORT_BATCH;

const importStream = (importId: string, organizationId: string): StreamOf<ImportCommand, ImportState> => ({
  streamName: importStreamName(importId),
  decider: importDecider as Decider<ImportCommand, DomainEvent, ImportState>,
  organizationId,
});

/** What the blob store keeps of an import: the rows as read, and the plan the dry run showed. */
interface StoredPlan {
  rows: ImportRow[];
  planned: PlannedRow[];
}

export interface ImportFailure {
  line: number;
  code: string;
  message: string;
}

export interface ImportView {
  id: string;
  status: 'planned' | 'applying' | 'applied';
  totals: ImportTotals;
  /** Rows gone through by the apply so far (of `totals.rows`). */
  processed: number;
  total: number;
  /** Whether this process is applying it now (an apply that stopped resumes on the next apply request). */
  running: boolean;
  failures: ImportFailure[];
  created: number;
  updated: number;
}

/**
 * Member imports (issue 17): the dry run plans the file on the organization as it is and
 * keeps the plan; the apply checks the plan still holds, then works through it in
 * batches with every row by the command a single request sends, recording progress after
 * each batch. An apply that stops resumes from the last mark: rows already done read as
 * unchanged on the organization as it is, so a row is never applied twice.
 */
@Injectable()
export class ImportsService implements OnApplicationShutdown {
  private readonly running = new Map<string, Promise<void>>();
  /** Failures and counts of applies run by this process (the stream records the progress). */
  private readonly outcomes = new Map<string, { failures: ImportFailure[]; created: number; updated: number }>();
  private stopping = false;

  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly tokens: SetupTokens,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationShutdown(): Promise<unknown> {
    this.stopping = true;
    return Promise.allSettled(this.running.values());
  }

  /** The dry run: plans every row, keeps the file and the plan, and records the import. */
  async plan(organizationId: string, rows: ImportRow[], bytes: Buffer, fileName: string | null, metadata: CommandMetadata) {
    const organization = await currentOrganization(this.streams, organizationId);
    const planned = planImport(rows, organization, await this.elsewhere(organizationId, rows), metadata.actor.id);
    const totals = importTotals(planned);
    const fileSha256 = await this.blobs.put(bytes);
    const planSha256 = await this.blobs.put(Buffer.from(JSON.stringify({ rows, planned } satisfies StoredPlan)));
    const importId = newId();
    await this.commands.execute(
      new StreamCommand(importStream(importId, organizationId), { type: 'PlanImport', data: { importId, organizationId, fileName, fileSha256, planSha256, totals, now: metadata.now } }, metadata),
    );
    return { id: importId, status: 'planned' as const, totals, planned };
  }

  async view(organizationId: string, importId: string): Promise<ImportView> {
    const state = await this.importState(organizationId, importId);
    const outcome = this.outcomes.get(importId) ?? { failures: [], created: 0, updated: 0 };
    return { id: importId, status: state.status, totals: state.totals, processed: state.processed, total: state.totals.rows, running: this.running.has(importId), ...outcome };
  }

  async planOf(organizationId: string, importId: string): Promise<PlannedRow[]> {
    const state = await this.importState(organizationId, importId);
    return (await this.storedPlan(state.planSha256)).planned;
  }

  /**
   * Starts (or resumes) the apply and answers at once; GET shows the progress. Refused
   * with 409 import-plan-changed, naming the lines, when the organization changed since
   * the dry run in a way that alters what the plan does.
   */
  async apply(organizationId: string, importId: string, metadata: CommandMetadata): Promise<ImportView> {
    const state = await this.importState(organizationId, importId);
    if (state.status === 'applied' || this.running.has(importId)) return this.view(organizationId, importId);
    const stored = await this.storedPlan(state.planSha256);
    const organization = await currentOrganization(this.streams, organizationId);
    const now = planImport(stored.rows, organization, await this.elsewhere(organizationId, stored.rows), metadata.actor.id);
    const drifted = driftedLines(stored.planned, now);
    if (drifted.length > 0)
      throw new DomainError('import-plan-changed', `The organization changed since the dry run: lines ${drifted.slice(0, 20).join(', ')}${drifted.length > 20 ? ', …' : ''} would not do what the plan showed. Upload the file again for a new dry run.`, {
        lines: drifted,
      });
    await this.commands.execute(new StreamCommand(importStream(importId, organizationId), { type: 'StartImport', data: { now: metadata.now } }, metadata));
    const run = this.run(organizationId, importId, stored, state.processed, metadata)
      .catch((error: unknown) => this.logger.error({ err: error, importId }, 'applying an import stopped; applying it again resumes it'))
      .finally(() => this.running.delete(importId));
    this.running.set(importId, run);
    return this.view(organizationId, importId);
  }

  /** Waits for this process's apply of an import, if one runs (tests, shutdown). */
  async settled(importId: string): Promise<void> {
    await this.running.get(importId);
  }

  private async run(organizationId: string, importId: string, stored: StoredPlan, from: number, metadata: CommandMetadata): Promise<void> {
    const outcome = this.outcomes.get(importId) ?? { failures: [], created: 0, updated: 0 };
    this.outcomes.set(importId, outcome);
    const stream = importStream(importId, organizationId);
    for (let start = from; start < stored.rows.length; start += IMPORT_BATCH) {
      if (this.stopping) return;
      const end = Math.min(start + IMPORT_BATCH, stored.rows.length);
      const batchMetadata = { ...metadata, now: new Date().toISOString(), idempotencyKey: undefined };
      // What is left of each row, on the organization as it is now (done rows read as unchanged).
      const organization = await currentOrganization(this.streams, organizationId);
      const rows = stored.rows.slice(start, end);
      const left = planImport(rows, organization, await this.elsewhere(organizationId, rows), metadata.actor.id);
      const planned = stored.planned.slice(start, end);
      const teamJoins = new Map<string, string[]>();
      await mapConcurrently(left, IN_FLIGHT, async (row, i) => {
        // Only what the dry run showed: its errors and unchanged rows are left alone.
        if (planned[i].action !== 'create' && planned[i].action !== 'update') return;
        // Held when the apply began; changed since (an address taken elsewhere a moment ago).
        if (row.action === 'error') {
          outcome.failures.push({ line: row.line, code: 'import-plan-changed', message: row.errors.map((e) => `${e.field}: ${e.message}`).join('; ') });
          return;
        }
        try {
          const userId = await this.applyRow(organizationId, row, batchMetadata);
          if (!userId) return;
          if (row.action === 'create') outcome.created++;
          else if (planned[i].action === 'update') outcome.updated++;
          for (const teamId of row.action === 'create' || row.action === 'update' ? row.target.teamIds : []) teamJoins.set(teamId, [...(teamJoins.get(teamId) ?? []), userId]);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          outcome.failures.push({ line: row.line, code: error.code, message: error.message });
        }
      });
      for (const [teamId, userIds] of teamJoins)
        await this.commands.execute(toOrganization(organizationId, { type: 'AddTeamMembers', data: { teamId, userIds, actor: metadata.actor } }, batchMetadata)).catch((error: unknown) => {
          if (!(error instanceof DomainError)) throw error;
          outcome.failures.push({ line: 0, code: error.code, message: `joining team ${teamId}: ${error.message}` });
        });
      await this.commands.execute(new StreamCommand(stream, { type: 'RecordImportProgress', data: { processed: end } }, batchMetadata));
    }
    await this.commands.execute(new StreamCommand(stream, { type: 'CompleteImport', data: { now: new Date().toISOString(), created: outcome.created, updated: outcome.updated } }, metadata));
  }

  /** One row, by the command a single request sends; answers the member's id when there is something to do. */
  private async applyRow(organizationId: string, row: PlannedRow, metadata: CommandMetadata): Promise<string | null> {
    if (row.action === 'create') {
      const userId = newId();
      const { firstName, lastName, roles } = row.target;
      await this.commands.execute(new InviteUser(organizationId, userId, { email: row.email, firstName, lastName, roles }, this.tokens.issue(metadata.now), metadata));
      return userId;
    }
    if (row.action === 'update') {
      const { firstName, lastName, roles } = row.target;
      if (Object.keys(row.changes).some((field) => field !== 'teams'))
        await this.commands.execute(toOrganization(organizationId, { type: 'EditUser', data: { userId: row.userId, actorId: metadata.actor.id, firstName, lastName, roles } }, metadata));
      return row.userId;
    }
    return null;
  }

  private async importState(organizationId: string, importId: string): Promise<Exclude<ImportState, { status: 'absent' }>> {
    const { state } = await this.streams.current(importStream(importId, organizationId));
    // Another organization's import is not found, as if it did not exist.
    if (state.status === 'absent' || state.organizationId !== organizationId) throw new DomainError('import-not-found', 'No such import in this organization');
    return state;
  }

  private async storedPlan(planSha256: string): Promise<StoredPlan> {
    const bytes = await this.blobs.get(planSha256);
    // An erasure removes the files of the imports that named the person (issue 20).
    if (!bytes) throw new DomainError('import-files-erased', 'This import\'s file and plan were removed when a person in it was erased; upload the file again');
    return JSON.parse(bytes.toString('utf8')) as StoredPlan;
  }

  /**
   * Addresses that belong to an account outside this organization (another one's member,
   * a super admin, a platform auditor), from the accounts read model; the reservation at
   * apply time is the final word for a race.
   */
  private async elsewhere(organizationId: string, rows: ImportRow[]): Promise<(key: string) => boolean> {
    const keys = [...new Set(rows.map((r) => r.cells.email.trim()).filter(Boolean).map(emailKey))];
    const taken = new Set<string>();
    for (let i = 0; i < keys.length; i += 1000) {
      const accounts = await this.readStore.collection<AccountDocument>(ACCOUNTS).find({ emailNormalized: { $in: keys.slice(i, i + 1000) } });
      for (const account of accounts) if (account.organizationId !== organizationId) taken.add(account.emailNormalized);
    }
    return (key) => taken.has(key);
  }
}
