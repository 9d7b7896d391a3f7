import type Database from 'better-sqlite3';
import { openSideDatabase } from '#event-store';
import type { Collection, MongoClient } from 'mongodb';

/**
 * A reactor's own progress: its checkpoint in the log and the ids of the events it
 * has handled, written together, so a side effect is done at least once and a
 * redelivered event is recognised by its id.
 */
export interface ReactorStore {
  checkpoint(reactor: string): Promise<number>;
  wasHandled(reactor: string, eventId: string): Promise<boolean>;
  /** Records the event as handled and moves the checkpoint to its position, as one write. */
  markHandled(reactor: string, eventId: string, position: number): Promise<void>;
  /** Moves the checkpoint past an event the reactor has nothing to do for. */
  advance(reactor: string, position: number): Promise<void>;
  /**
   * Forgets the ids handled before `handledBefore`: an id guards only the short moment
   * before the checkpoint passes its event (redelivery never goes back past a
   * checkpoint), so old ids are dead weight. Returns how many were removed.
   */
  pruneHandled(reactor: string, handledBefore: Date): Promise<number>;
  close(): Promise<void>;
}

export class SqliteReactorStore implements ReactorStore {
  private readonly db: Database.Database;
  private readonly mark;
  private readonly read;
  private readonly prune: Database.Statement;

  constructor(filename: string) {
    this.db = openSideDatabase(filename);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS reactor_checkpoints (reactor TEXT PRIMARY KEY, position INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS reactor_handled (reactor TEXT NOT NULL, event_id TEXT NOT NULL, handled_at TEXT NOT NULL, PRIMARY KEY (reactor, event_id));
    `);
    const insertHandled = this.db.prepare('INSERT OR IGNORE INTO reactor_handled VALUES (?, ?, ?)');
    const upsertCheckpoint = this.db.prepare(
      'INSERT INTO reactor_checkpoints VALUES (?, ?) ON CONFLICT (reactor) DO UPDATE SET position = MAX(position, excluded.position)',
    );
    const selectCheckpoint = this.db.prepare<[string], { position: number }>('SELECT position FROM reactor_checkpoints WHERE reactor = ?');
    const selectHandled = this.db.prepare('SELECT 1 FROM reactor_handled WHERE reactor = ? AND event_id = ?');
    this.read = { checkpoint: selectCheckpoint, handled: selectHandled };
    this.prune = this.db.prepare('DELETE FROM reactor_handled WHERE reactor = ? AND handled_at < ?');
    this.mark = {
      handled: this.db.transaction((reactor: string, eventId: string, position: number) => {
        insertHandled.run(reactor, eventId, new Date().toISOString());
        upsertCheckpoint.run(reactor, position);
      }),
      advance: (reactor: string, position: number) => upsertCheckpoint.run(reactor, position),
    };
  }

  async checkpoint(reactor: string): Promise<number> {
    return this.read.checkpoint.get(reactor)?.position ?? 0;
  }

  async wasHandled(reactor: string, eventId: string): Promise<boolean> {
    return !!this.read.handled.get(reactor, eventId);
  }

  async markHandled(reactor: string, eventId: string, position: number): Promise<void> {
    this.mark.handled(reactor, eventId, position);
  }

  async advance(reactor: string, position: number): Promise<void> {
    this.mark.advance(reactor, position);
  }

  async pruneHandled(reactor: string, handledBefore: Date): Promise<number> {
    // handled_at is an ISO time: text order is time order.
    return this.prune.run(reactor, handledBefore.toISOString()).changes;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export class MongoReactorStore implements ReactorStore {
  private readonly checkpoints: Collection<{ _id: string; position: number }>;
  private readonly handled: Collection<{ _id: string; reactor: string; handledAt: Date }>;

  constructor(private readonly client: MongoClient, dbName: string) {
    this.checkpoints = client.db(dbName).collection('reactor_checkpoints');
    this.handled = client.db(dbName).collection('reactor_handled');
  }

  async checkpoint(reactor: string): Promise<number> {
    return (await this.checkpoints.findOne({ _id: reactor }))?.position ?? 0;
  }

  async wasHandled(reactor: string, eventId: string): Promise<boolean> {
    return (await this.handled.countDocuments({ _id: `${reactor}:${eventId}` })) > 0;
  }

  async markHandled(reactor: string, eventId: string, position: number): Promise<void> {
    const session = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        await this.handled.updateOne({ _id: `${reactor}:${eventId}` }, { $setOnInsert: { reactor, handledAt: new Date() } }, { upsert: true, session });
        await this.checkpoints.updateOne({ _id: reactor }, { $max: { position } }, { upsert: true, session });
      });
    } finally {
      await session.endSession();
    }
  }

  async advance(reactor: string, position: number): Promise<void> {
    await this.checkpoints.updateOne({ _id: reactor }, { $max: { position } }, { upsert: true });
  }

  async pruneHandled(reactor: string, handledBefore: Date): Promise<number> {
    return (await this.handled.deleteMany({ reactor, handledAt: { $lt: handledBefore } })).deletedCount;
  }

  async close(): Promise<void> {}
}
