import { describe, expect, test } from '@jest/globals';
import { PersistentMap } from './persistent-map.js';

/** A model to compare with: a native Map changed in place, copied at each step. */
function steps(seed: number, count: number): { op: 'set' | 'delete'; key: string; value: number }[] {
  let x = seed;
  const random = () => ((x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, i) => ({ op: random() < 0.25 ? 'delete' : 'set', key: `k${Math.floor(random() * 3000)}`, value: i }));
}

describe('PersistentMap', () => {
  test('agrees with a native Map after every change, and every earlier version stays as it was', () => {
    for (const seed of [1, 2, 3]) {
      const model = new Map<string, number>();
      let map = PersistentMap.empty<number>();
      const history: { map: PersistentMap<number>; entries: [string, number][] }[] = [];
      for (const step of steps(seed, 6000)) {
        if (step.op === 'set') (model.set(step.key, step.value), (map = map.set(step.key, step.value)));
        else (model.delete(step.key), (map = map.delete(step.key)));
        if (history.length < 400 || step.value % 97 === 0) history.push({ map, entries: [...model] });
      }
      expect([...map]).toEqual([...model]);
      expect(map.size).toBe(model.size);
      for (const { map: old, entries } of history) {
        expect(old.size).toBe(entries.length);
        expect([...old]).toEqual(entries);
      }
    }
  });

  test('a draft changes nothing outside it, and is closed once done', () => {
    const before = PersistentMap.empty<string>().set('a', '1').set('b', '2');
    const draft = before.draft();
    draft.set('a', 'changed');
    draft.delete('b');
    draft.set('c', '3');
    expect(draft.get('a')).toBe('changed');
    expect(draft.has('b')).toBe(false);
    expect([...before]).toEqual([['a', '1'], ['b', '2']]);
    const after = draft.done();
    expect([...after]).toEqual([['a', 'changed'], ['c', '3']]);
    expect(() => draft.set('d', '4')).toThrow(/finished/);
    expect([...after]).toEqual([['a', 'changed'], ['c', '3']]);
  });

  test('keeps first-insertion order across compactions, as a native Map does', () => {
    const draft = PersistentMap.empty<number>().draft();
    for (let i = 0; i < 5000; i++) draft.set(`u${i}`, i);
    let map = draft.done();
    for (let i = 0; i < 3000; i += 3) map = map.set(`u${i}`, -i);
    for (let i = 1; i < 3000; i += 3) map = map.delete(`u${i}`);
    const model = new Map<string, number>();
    for (let i = 0; i < 5000; i++) model.set(`u${i}`, i);
    for (let i = 0; i < 3000; i += 3) model.set(`u${i}`, -i);
    for (let i = 1; i < 3000; i += 3) model.delete(`u${i}`);
    expect([...map.keys()]).toEqual([...model.keys()]);
    expect([...map.values()]).toEqual([...model.values()]);
  });
});
