import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { PersonalKeyStore } from '../key-store.js';

/**
 * What every PersonalKeyStore must do (issue 20): on SQLite in `npm test`, on MongoDB in
 * `npm run test:integration`. `open` gives a store and a second one on the same data, as
 * another process would have.
 */
export function keyStoreContract(name: string, open: () => Promise<{ store: PersonalKeyStore; other: PersonalKeyStore; close: () => Promise<void> }>) {
  describe(`PersonalKeyStore contract: ${name}`, () => {
    let store: PersonalKeyStore;
    let other: PersonalKeyStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, other, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    test('a key is made once, on the first ask with a maker, and read back the same by another process', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      expect([...(await store.keysFor([a, b]))]).toEqual([]);
      let made = 0;
      const make = () => `sealed-key-${++made}`;
      const first = await store.keysFor([a, b], make);
      expect([first.get(a), first.get(b), made]).toEqual(['sealed-key-1', 'sealed-key-2', 2]);
      expect(await other.keysFor([b, a], make)).toEqual(new Map([[b, 'sealed-key-2'], [a, 'sealed-key-1']]));
      expect(made).toBe(2);
    });

    test('two processes making one subject\'s key at once both get the key stored first', async () => {
      const subject = randomUUID();
      const [mine, theirs] = await Promise.all([store.keysFor([subject], () => 'mine'), other.keysFor([subject], () => 'theirs')]);
      expect(mine.get(subject)).toBe(theirs.get(subject));
      expect(['mine', 'theirs']).toContain(mine.get(subject));
    });

    test('a destroyed key reads as null, is never made again, and is destroyed once', async () => {
      const [gone, kept] = [randomUUID(), randomUUID()];
      await store.keysFor([gone, kept], () => randomUUID());
      expect(await store.destroy([gone, randomUUID()], '2026-12-01T00:00:00.000Z')).toBe(1);
      const after = await other.keysFor([gone, kept], () => 'a new key');
      expect([after.get(gone), typeof after.get(kept)]).toEqual([null, 'string']);
      expect(await other.destroy([gone], '2026-12-02T00:00:00.000Z')).toBe(0);
    });

    test('hundreds of subjects in one ask', async () => {
      const subjects = Array.from({ length: 300 }, () => randomUUID());
      const keys = await store.keysFor(subjects, () => randomUUID());
      expect(new Set(keys.values()).size).toBe(300);
      expect((await other.keysFor(subjects)).size).toBe(300);
    });
  });
}
