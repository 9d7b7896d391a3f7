import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import type { BlobStore } from '../blob-store.js';

/** What every BlobStore must do: files in `npm test`, MongoDB in `npm run test:integration`. */
export function blobStoreContract(name: string, open: () => Promise<BlobStore & { close?: () => Promise<void> }>) {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore & { close?: () => Promise<void> };
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close?.();
    });

    test('a blob is kept under the SHA-256 of its bytes and read back byte for byte', async () => {
      const bytes = randomBytes(70_000);
      const key = await store.put(bytes);
      expect(key).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect((await store.get(key))?.equals(bytes)).toBe(true);
    });

    test('a deleted blob is gone, and deleting it again says there was none', async () => {
      const key = await store.put(randomBytes(1_000));
      expect(await store.delete(key)).toBe(true);
      expect(await store.get(key)).toBeNull();
      expect(await store.delete(key)).toBe(false);
      expect(await store.delete('not a key')).toBe(false);
    });

    test('the same bytes twice are one blob; an unknown key is null', async () => {
      const bytes = Buffer.from('a logo');
      expect(await store.put(bytes)).toBe(await store.put(Buffer.from(bytes)));
      expect(await store.get('0'.repeat(64))).toBeNull();
    });
  });
}
