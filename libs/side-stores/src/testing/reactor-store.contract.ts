import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { ReactorStore } from '../reactor-store.js';

/** What every ReactorStore must do: on SQLite in `npm test`, on MongoDB in `npm run test:integration`. */
export function reactorStoreContract(name: string, open: () => Promise<ReactorStore>) {
  describe(`ReactorStore contract: ${name}`, () => {
    let store: ReactorStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    test('a new reactor starts at 0; marking an event handled records it and moves the checkpoint', async () => {
      expect(await store.checkpoint('mail')).toBe(0);
      await store.markHandled('mail', 'event-1', 7);
      expect(await store.wasHandled('mail', 'event-1')).toBe(true);
      expect(await store.wasHandled('mail', 'event-2')).toBe(false);
      expect(await store.wasHandled('other', 'event-1')).toBe(false);
      expect(await store.checkpoint('mail')).toBe(7);
    });

    test('handled ids older than a time are pruned, newer ones and other reactors\' are kept', async () => {
      await store.markHandled('mail', 'old-1', 1);
      await store.markHandled('mail', 'old-2', 2);
      await store.markHandled('other', 'theirs', 1);
      // Nothing was handled before a minute ago.
      expect(await store.pruneHandled('mail', new Date(Date.now() - 60_000))).toBe(0);
      expect(await store.wasHandled('mail', 'old-1')).toBe(true);
      // Everything so far was handled before a second from now.
      expect(await store.pruneHandled('mail', new Date(Date.now() + 1_000))).toBe(2);
      expect(await store.wasHandled('mail', 'old-1')).toBe(false);
      expect(await store.wasHandled('mail', 'old-2')).toBe(false);
      expect(await store.wasHandled('other', 'theirs')).toBe(true);
      expect(await store.checkpoint('mail')).toBe(2);
    });

    test('the checkpoint never moves back, and reactors keep their own', async () => {
      await store.advance('mail', 20);
      await store.markHandled('mail', 'late', 12);
      await store.advance('mail', 15);
      expect(await store.checkpoint('mail')).toBe(20);
      expect(await store.wasHandled('mail', 'late')).toBe(true);
      await store.advance('other', 3);
      expect(await store.checkpoint('other')).toBe(3);
    });
  });
}
