import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { OneTimeStore } from '../one-time-store.js';

/**
 * What every OneTimeStore must do, whatever holds it: the same suite runs on SQLite
 * (side-stores.spec.ts) and on MongoDB (`npm run test:integration` with MONGODB_URI).
 */
export function oneTimeStoreContract(name: string, open: () => Promise<OneTimeStore>) {
  describe(`OneTimeStore contract: ${name}`, () => {
    let store: OneTimeStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    test('a value is taken once; peeking does not use it up', async () => {
      expect(await store.put('code', 'k1', 'v1', 60_000)).toBe(true);
      expect(await store.peek('code', 'k1')).toBe('v1');
      expect(await store.take('code', 'k1')).toBe('v1');
      expect(await store.take('code', 'k1')).toBeNull();
      expect(await store.peek('code', 'k1')).toBeNull();
    });

    test('a held key cannot be put again (an assertion id is accepted once); kinds are separate', async () => {
      expect(await store.put('assertion', 'a1', '1', 60_000)).toBe(true);
      expect(await store.put('assertion', 'a1', '2', 60_000)).toBe(false);
      expect(await store.put('other', 'a1', '3', 60_000)).toBe(true);
      expect(await store.take('assertion', 'a1')).toBe('1');
    });

    test('an expired value is gone, and its key can be held again', async () => {
      expect(await store.put('code', 'short', 'v', 30)).toBe(true);
      await new Promise((r) => setTimeout(r, 80));
      expect(await store.peek('code', 'short')).toBeNull();
      expect(await store.put('code', 'short', 'again', 60_000)).toBe(true);
      expect(await store.take('code', 'short')).toBe('again');
      expect(await store.put('code', 'gone', 'v', 30)).toBe(true);
      await new Promise((r) => setTimeout(r, 80));
      expect(await store.take('code', 'gone')).toBeNull();
    });

    test('of many concurrent takes, exactly one gets the value', async () => {
      await store.put('code', 'race', 'winner', 60_000);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.take('code', 'race')));
      expect(results.filter((r) => r === 'winner')).toHaveLength(1);
    });
  });
}
