import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { LogProcessor, SqliteEventStore, type LogHandler, type RecordedEvent } from '#event-store';
import { logProcessorContract } from '#event-store/testing';
import { SqliteReadStore, ORGANIZATIONS, organizationsProjection, ProjectionGroup, SqliteAuditLog } from '#read-models';
import { FaultyReadStore } from '#read-models/testing';
import { SqliteReactorStore, type ReactorStore } from '#side-stores';
import { OutboxMailer } from './mail/mailer.js';
import { SetupMailReactor } from './mail/setup-mail.reactor.js';
import { SecretBox } from './secret-box.js';
import { exitOnStall, HANDLED_IDS_KEPT_DAYS, MailProcessor } from './processors.js';
import { SETUP_MAIL_REACTOR } from './mail/setup-mail.reactor.js';
import type { Stores } from './stores.js';

/** Refuses the next `count` calls it is asked to, as a full disk or a lost connection would. */
class Faults {
  pending = 0;
  refused = 0;
  check(): void {
    if (this.pending === 0) return;
    this.pending--;
    this.refused++;
    throw Object.assign(new Error('injected: the store refused the write'), { code: 'SQLITE_IOERR' });
  }
}

const metadata = (organizationId: string) => ({ schemaVersion: 1, actorId: 'admin-1', actorKind: 'member', organizationId, occurredAt: '2026-11-30T10:00:00.000Z' });

// The read models' projector, on the embedded read store; the faults sit on the ReadStore port (FaultyReadStore).
logProcessorContract('the projector', async () => {
  const read = new SqliteReadStore(':memory:');
  const faulty = new FaultyReadStore(read);
  return {
    processor: (events) => new ProjectionGroup(events, faulty, [organizationsProjection], { retryDelayMs: 5 }),
    event: () => {
      const id = randomUUID();
      return {
        streamName: `organization-${id}`,
        event: { id: randomUUID(), type: 'OrganizationCreated', data: { organizationId: id, name: `School ${id}`, description: null, timeZone: 'UTC', createdAt: '2026-11-30T10:00:00.000Z' }, metadata: metadata(id) },
      };
    },
    effects: async () => (await read.collection(ORGANIZATIONS).find({})).length,
    failWrites: (count) => faulty.refuseWrites(count),
    refusedWrites: () => faulty.refused,
    close: () => read.close(),
  };
});

// The embedded audit log; the faults sit on the handler port in front of its SQLite file.
logProcessorContract('the audit log', async () => {
  const log = new SqliteAuditLog(':memory:');
  const faults = new Faults();
  const organizationId = randomUUID();
  const handler: LogHandler = { name: log.name, checkpoint: () => log.checkpoint(), handle: (batch: RecordedEvent[]) => (faults.check(), log.handle(batch)) };
  return {
    processor: (events) => new LogProcessor(events, handler, { backoff: { initialMs: 5, maxMs: 50 } }),
    event: (i) => ({
      streamName: `organization-${organizationId}`,
      event: { id: randomUUID(), type: 'OrganizationSettingsUpdated', data: { organizationId, changes: { name: { before: `N${i}`, after: `N${i + 1}` } } }, metadata: metadata(organizationId) },
    }),
    effects: async () => (await log.page({ organizationId, page: 1, pageSize: 10 })).total,
    failWrites: (count) => (faults.pending += count),
    refusedWrites: () => faults.refused,
    close: () => log.close(),
  };
});

// The setup mail: real outbox files, real reactor progress; the faults sit on the ReactorStore port.
logProcessorContract('the setup mail', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mail-contract-'));
  const box = SecretBox.load({ envKey: null, keyFile: join(dir, 'secret.key') });
  const progress = new SqliteReactorStore(':memory:');
  const faults = new Faults();
  const store: ReactorStore = Object.assign(Object.create(progress) as ReactorStore, {
    markHandled: async (reactor: string, eventId: string, position: number) => (faults.check(), progress.markHandled(reactor, eventId, position)),
    advance: async (reactor: string, position: number) => (faults.check(), progress.advance(reactor, position)),
  });
  const read = new SqliteReadStore(':memory:');
  const logger = pino({ level: 'silent' });
  const outbox = join(dir, 'outbox');
  const organizationId = randomUUID();
  return {
    processor: (events) =>
      new LogProcessor(
        events,
        new SetupMailReactor({ events, readStore: read, box, mailer: new OutboxMailer(outbox, 'school@example.org', logger), store, logger, links: { publicUrl: 'http://localhost', setupUrl: null }, retryDelayMs: 1 }),
        { backoff: { initialMs: 5, maxMs: 50 } },
      ),
    event: (i) => {
      const userId = randomUUID();
      const data = {
        organizationId,
        userId,
        email: `invitee${i}@example.org`,
        firstName: 'Mino',
        lastName: 'Giizhig',
        roles: ['instructor'],
        setupTokenHash: randomUUID(),
        setupTokenCiphertext: box.seal(`token-${i}`),
        setupExpiresAt: '2026-12-03T10:00:00.000Z',
      };
      return { streamName: `organization-${organizationId}`, event: { id: randomUUID(), type: 'UserInvited', data, metadata: metadata(organizationId) } };
    },
    effects: async () => {
      try {
        return readdirSync(outbox).filter((name) => name.endsWith('.eml')).length;
      } catch {
        return 0;
      }
    },
    failWrites: (count) => (faults.pending += count),
    refusedWrites: () => faults.refused,
    close: async () => {
      await progress.close();
      await read.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('the setup mail processor', () => {
  test('prunes handled ids older than HANDLED_IDS_KEPT_DAYS when it starts, and keeps newer ones', async () => {
    const events = new SqliteEventStore({ filename: ':memory:' });
    const reactorStore = new SqliteReactorStore(':memory:');
    const read = new SqliteReadStore(':memory:');
    const logger = pino({ level: 'silent' });
    try {
      await reactorStore.markHandled(SETUP_MAIL_REACTOR, 'mailed-long-ago', 1);
      const stores = { eventStore: events, reactorStore } as unknown as Stores;
      const reactor = new SetupMailReactor({ events, readStore: read, box: SecretBox.fromKey(Buffer.alloc(32, 7)), mailer: new OutboxMailer(tmpdir(), 'school@example.org', logger), store: reactorStore, logger, links: { publicUrl: 'http://localhost', setupUrl: null } });
      const processor = new MailProcessor(stores, reactor, logger);
      await processor.start();
      // Handled a moment ago: kept at start.
      expect(await reactorStore.wasHandled(SETUP_MAIL_REACTOR, 'mailed-long-ago')).toBe(true);
      // Seen from a day past the retention, the same id is old and goes.
      expect(await processor.prune(Date.now() + (HANDLED_IDS_KEPT_DAYS + 1) * 86_400_000)).toBe(1);
      expect(await reactorStore.wasHandled(SETUP_MAIL_REACTOR, 'mailed-long-ago')).toBe(false);
      await processor.stop();
    } finally {
      await Promise.all([events.close(), reactorStore.close(), read.close()]);
    }
  });
});

describe('exitOnStall', () => {
  const stalled = {
    status: () => ({ name: 'projector', running: true, checkpoint: 4, lastError: 'store unwritable', subscription: 'live' as const, batches: 1, resubscriptions: 0, lastProgressAt: new Date(Date.now() - 10_000).toISOString() }),
  };

  test('exits with 1 and says which processor, once it has made no progress for the configured time', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const exits: number[] = [];
    const stop = exitOnStall(() => [stalled.status()], { processorStallExitMs: 50 }, logger, (code) => exits.push(code));
    await new Promise((r) => setTimeout(r, 200));
    stop();
    expect(exits).toEqual([1]);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 60, processor: 'projector', lastError: 'store unwritable', msg: 'a log processor made no progress; exiting for a restart' });
  });

  test('PROCESSOR_STALL_EXIT_SECONDS=0 turns it off', async () => {
    const exits: number[] = [];
    const stop = exitOnStall(() => [stalled.status()], { processorStallExitMs: 0 }, pino({ level: 'silent' }), (code) => exits.push(code));
    await new Promise((r) => setTimeout(r, 100));
    stop();
    expect(exits).toEqual([]);
  });
});
