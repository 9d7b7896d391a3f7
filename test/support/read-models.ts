import { expect } from '@jest/globals';
import type { EventStore } from '#event-store';
import { ALL_PROJECTIONS, ProjectionRunner, SqliteReadStore, type Projection, type ReadStore } from '#read-models';
import { upcastRecorded } from '#runtime';

/**
 * Builds every read model from the log alone, into a fresh store, and expects each
 * collection to equal `live`'s, document for document. Returns how many documents were
 * compared (a caller checks that there were some).
 */
export async function expectReadModelsEqualRebuild(events: EventStore, live: ReadStore, projections: Projection[] = ALL_PROJECTIONS): Promise<number> {
  const fresh = new SqliteReadStore(':memory:');
  try {
    const runner = new ProjectionRunner(events, fresh, projections, { upcast: upcastRecorded });
    await runner.start();
    await runner.catchUp(20_000);
    await runner.stop();
    let compared = 0;
    for (const projection of projections)
      for (const { name } of projection.collections) {
        const kept = await live.collection(name).find({}, { sort: { _id: 1 } });
        expect(await fresh.collection(name).find({}, { sort: { _id: 1 } })).toEqual(kept);
        compared += kept.length;
      }
    return compared;
  } finally {
    await fresh.close();
  }
}
