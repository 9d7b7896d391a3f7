import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { LoginThrottle } from '../login-throttle.js';

/**
 * What every LoginThrottle must do: the same suite runs in memory and on SQLite (side-stores.spec.ts) and on
 * MongoDB (`npm run test:integration` with MONGODB_URI).
 */
export function loginThrottleContract(name: string, open: (windowMs: number) => Promise<LoginThrottle & { close?: () => Promise<void> }>) {
  describe(`LoginThrottle contract: ${name}`, () => {
    let throttle: LoginThrottle & { close?: () => Promise<void> };
    beforeEach(async () => {
      throttle = await open(60_000);
    });
    afterEach(async () => {
      await throttle.close?.();
    });

    test('of 40 attempts made at once on a limit of 5, exactly 5 are granted', async () => {
      const now = Date.now();
      const results = await Promise.all(Array.from({ length: 40 }, () => throttle.reserve([{ key: 'account:a', limit: 5 }], now)));
      expect(results.filter((r) => r.granted)).toHaveLength(5);
      const refused = results.filter((r) => !r.granted) as { retryAfterSeconds: number }[];
      expect(refused).toHaveLength(35);
      for (const r of refused) expect(r.retryAfterSeconds).toBeGreaterThan(0);
      for (const r of refused) expect(r.retryAfterSeconds).toBeLessThanOrEqual(60);
    });

    test('a released attempt can be taken again; a reset key starts from nothing', async () => {
      const now = Date.now();
      const keys = [{ key: 'account:b', limit: 2 }];
      const first = await throttle.reserve(keys, now);
      await throttle.reserve(keys, now);
      expect((await throttle.reserve(keys, now)).granted).toBe(false);
      await throttle.release(first.granted ? first.keys : []);
      expect((await throttle.reserve(keys, now)).granted).toBe(true);
      expect((await throttle.reserve(keys, now)).granted).toBe(false);
      await throttle.reset('account:b');
      expect((await throttle.reserve(keys, now)).granted).toBe(true);
    });

    test('a key at its limit refuses the attempt without using up the other keys', async () => {
      const now = Date.now();
      expect((await throttle.reserve([{ key: 'ip:1', limit: 1 }], now)).granted).toBe(true);
      // The IP is full: the account must not be charged for the refused attempt.
      for (let i = 0; i < 3; i++) expect((await throttle.reserve([{ key: 'account:c', limit: 3 }, { key: 'ip:1', limit: 1 }], now)).granted).toBe(false);
      for (let i = 0; i < 3; i++) expect((await throttle.reserve([{ key: 'account:c', limit: 3 }], now)).granted).toBe(true);
      expect((await throttle.reserve([{ key: 'account:c', limit: 3 }], now)).granted).toBe(false);
    });

    test('a new window starts once the old one has ended', async () => {
      const start = Date.now();
      const keys = [{ key: 'account:d', limit: 1 }];
      expect((await throttle.reserve(keys, start)).granted).toBe(true);
      expect((await throttle.reserve(keys, start + 59_000)).granted).toBe(false);
      expect((await throttle.reserve(keys, start + 60_001)).granted).toBe(true);
      expect((await throttle.reserve(keys, start + 60_002)).granted).toBe(false);
    });
  });
}
