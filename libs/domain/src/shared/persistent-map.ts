/**
 * An immutable map from strings to values, for decider state. A change never touches
 * the map it is made on.
 *
 * A map is a base (a native Map nobody changes any more) and an overlay of the changes
 * made since, kept in a small persistent trie (a hash array mapped trie, as Clojure's
 * maps are): a change copies one path of the trie, never the base. Changes are made
 * through a draft, which collects them in a native Map of its own and hands them to the
 * trie when done; when the overlay outgrows a quarter of the base, `done()` folds
 * everything into a new base instead. So one event costs a path copy, rebuilding an
 * organization from its events is one pass over native Maps, and iteration keeps a
 * native Map's order (first insertion; a key deleted and set again comes last).
 *
 * Written here rather than taken from a library because of a measurement (bench/fold.ts,
 * issue 13): folding a 100,000-member organization (162,001 events) took about 220 ms
 * with native Maps changed in place, about 4 times as long with Immutable.js 5 maps,
 * 2.1 times with a hash array mapped trie alone; and copying a native Map costs about
 * 0.5 microseconds per entry, so an overlay copied per change was 50 times slower per
 * event than changing in place.
 */
const GONE: unique symbol = Symbol('deleted');

/** What the overlay knows of a key: its value (or GONE), and its place among the keys added. */
interface Change<V> {
  value: V | typeof GONE;
  /** Order of first insertion among keys not in the base (and of base keys set again after a delete). */
  seq: number;
  /** A base key deleted and set again: it now comes after the base, in `seq` order. */
  moved: boolean;
}

// ---- A persistent hash array mapped trie of changes (path copying, no deletion needed) --
type Leaf<V> = { key: string; hash: number; change: Change<V> };
type Collision<V> = { hash: number; leaves: Leaf<V>[] };
type TrieNode<V> = { bitmap: number; slots: (Leaf<V> | Collision<V> | TrieNode<V>)[] };

const BITS = 5;
const MASK = 31;

/** FNV-1a over UTF-16 code units: cheap, and spreads UUIDs and email keys well. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

const isNode = <V>(slot: Leaf<V> | Collision<V> | TrieNode<V>): slot is TrieNode<V> => (slot as TrieNode<V>).bitmap !== undefined;
const isCollision = <V>(slot: Leaf<V> | Collision<V> | TrieNode<V>): slot is Collision<V> => (slot as Collision<V>).leaves !== undefined;

const EMPTY_TRIE: TrieNode<never> = { bitmap: 0, slots: [] };

function findIn<V>(root: TrieNode<V>, key: string, hash: number): Change<V> | undefined {
  let node = root;
  for (let shift = 0; ; shift += BITS) {
    const bit = 1 << ((hash >>> shift) & MASK);
    if ((node.bitmap & bit) === 0) return undefined;
    const slot = node.slots[popcount(node.bitmap & (bit - 1))];
    if (isNode(slot)) {
      node = slot;
      continue;
    }
    if (isCollision(slot)) return slot.leaves.find((leaf) => leaf.key === key)?.change;
    return slot.key === key ? slot.change : undefined;
  }
}

function split<V>(a: Leaf<V> | Collision<V>, b: Leaf<V>, shift: number): TrieNode<V> | Collision<V> {
  if (a.hash === b.hash) return { hash: a.hash, leaves: isCollision(a) ? [...a.leaves, b] : [a as Leaf<V>, b] };
  const ia = (a.hash >>> shift) & MASK;
  const ib = (b.hash >>> shift) & MASK;
  if (ia === ib) return { bitmap: 1 << ia, slots: [split(a, b, shift + BITS)] };
  return { bitmap: (1 << ia) | (1 << ib), slots: ia < ib ? [a, b] : [b, a] };
}

/** The trie with the leaf set; `added.count` grows when the key is new. */
function insert<V>(node: TrieNode<V>, leaf: Leaf<V>, shift: number, added: { count: number }): TrieNode<V> {
  const bit = 1 << ((leaf.hash >>> shift) & MASK);
  const index = popcount(node.bitmap & (bit - 1));
  const slots = node.slots.slice();
  if ((node.bitmap & bit) === 0) {
    slots.splice(index, 0, leaf);
    added.count++;
    return { bitmap: node.bitmap | bit, slots };
  }
  const slot = slots[index];
  if (isNode(slot)) slots[index] = insert(slot, leaf, shift + BITS, added);
  else if (isCollision(slot) && slot.hash === leaf.hash) {
    const leaves = slot.leaves.filter((l) => l.key !== leaf.key);
    if (leaves.length === slot.leaves.length) added.count++;
    slots[index] = { hash: slot.hash, leaves: [...leaves, leaf] };
  } else if (!isCollision(slot) && slot.key === leaf.key) slots[index] = leaf;
  else {
    slots[index] = split(slot, leaf, shift + BITS);
    added.count++;
  }
  return { bitmap: node.bitmap, slots };
}

function* leavesOf<V>(node: TrieNode<V>): Generator<Leaf<V>> {
  for (const slot of node.slots) {
    if (isNode(slot)) yield* leavesOf(slot);
    else if (isCollision(slot)) yield* slot.leaves;
    else yield slot;
  }
}

// ---- The map and its drafts ---------------------------------------------------------------
interface Layers<V> {
  base: ReadonlyMap<string, V>;
  trie: TrieNode<V>;
  /** Keys in the trie. */
  changed: number;
  /** The next `seq` to give. */
  seq: number;
}

const EMPTY_BASE: ReadonlyMap<string, never> = new Map<string, never>();

function* entriesOf<V>(base: ReadonlyMap<string, V>, changes: Iterable<[string, Change<V>]>, find: (key: string) => Change<V> | undefined): Generator<[string, V]> {
  // The base's keys in their order (with their new values), then the keys added since, in order.
  for (const [key, value] of base) {
    const change = find(key);
    if (change === undefined) yield [key, value];
    else if (change.value !== GONE && !change.moved) yield [key, change.value];
  }
  const added = [...changes].filter(([key, change]) => change.value !== GONE && (change.moved || !base.has(key))).sort((a, b) => a[1].seq - b[1].seq);
  for (const [key, change] of added) yield [key, change.value as V];
}

/** A draft of a map: collects changes until `done()`, which gives the new map. */
export class MapDraft<V> {
  private pending: Map<string, Change<V>> | null = null;
  /** On an empty map (a rebuild from events) the draft is simply a native Map, given away when done. */
  private readonly direct: Map<string, V> | null;
  private open = true;
  private seq: number;

  constructor(
    private readonly layers: Layers<V>,
    private count: number,
  ) {
    this.seq = layers.seq;
    this.direct = layers.base.size === 0 && layers.changed === 0 ? new Map() : null;
  }

  get size(): number {
    return this.direct ? this.direct.size : this.count;
  }

  get(key: string): V | undefined {
    if (this.direct) return this.direct.get(key);
    const change = this.changeOf(key);
    if (change === undefined) return this.layers.base.get(key);
    return change.value === GONE ? undefined : change.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  *keys(): IterableIterator<string> {
    for (const [key] of [...this.entries()]) yield key;
  }

  *values(): IterableIterator<V> {
    for (const [, value] of [...this.entries()]) yield value;
  }

  set(key: string, value: V): void {
    if (this.direct) {
      this.usable();
      this.direct.set(key, value);
      return;
    }
    const change = this.changeOf(key);
    const inBase = change === undefined && this.layers.base.has(key);
    if (change === undefined ? !inBase : change.value === GONE) this.count++;
    let next: Change<V>;
    if (change === undefined) next = { value, seq: inBase ? -1 : this.seq++, moved: false };
    // Deleted and set again: last in the order, as a native Map has it.
    else if (change.value === GONE) next = { value, seq: this.seq++, moved: this.layers.base.has(key) };
    else next = { value, seq: change.seq, moved: change.moved };
    this.writable().set(key, next);
  }

  delete(key: string): void {
    if (this.direct) {
      this.usable();
      this.direct.delete(key);
      return;
    }
    if (!this.has(key)) return;
    this.writable().set(key, { value: GONE, seq: -1, moved: false });
    this.count--;
  }

  /** The new map; the draft can no longer change anything. */
  done(): PersistentMap<V> {
    this.open = false;
    if (this.direct) return PersistentMap.of({ base: this.direct, trie: EMPTY_TRIE as TrieNode<V>, changed: 0, seq: 0 }, this.direct.size);
    const { base, trie, changed } = this.layers;
    const pending = this.pending;
    if (!pending) return PersistentMap.of(this.layers, this.count);
    if (changed + pending.size > Math.max(64, base.size / 4)) {
      const merged = new Map<string, V>(entriesOf(base, [...leavesOf(trie)].map((l) => [l.key, pending.get(l.key) ?? l.change] as [string, Change<V>]).concat([...pending].filter(([key]) => findIn(trie, key, hashOf(key)) === undefined)), (key) => pending.get(key) ?? findIn(trie, key, hashOf(key))));
      return PersistentMap.of({ base: merged, trie: EMPTY_TRIE as TrieNode<V>, changed: 0, seq: 0 }, this.count);
    }
    let root = trie;
    const added = { count: 0 };
    for (const [key, change] of pending) root = insert(root, { key, hash: hashOf(key), change }, 0, added);
    return PersistentMap.of({ base, trie: root, changed: changed + added.count, seq: this.seq }, this.count);
  }

  private entries(): Iterator<[string, V]> & Iterable<[string, V]> {
    if (this.direct) return this.direct.entries();
    const { base, trie } = this.layers;
    const pending = this.pending ?? new Map<string, Change<V>>();
    const changes = [...leavesOf(trie)].map((l) => [l.key, pending.get(l.key) ?? l.change] as [string, Change<V>]).concat([...pending].filter(([key]) => findIn(trie, key, hashOf(key)) === undefined));
    return entriesOf(base, changes, (key) => this.changeOf(key));
  }

  private changeOf(key: string): Change<V> | undefined {
    return this.pending?.get(key) ?? (this.layers.changed === 0 ? undefined : findIn(this.layers.trie, key, hashOf(key)));
  }

  private writable(): Map<string, Change<V>> {
    this.usable();
    return (this.pending ??= new Map());
  }

  private usable(): void {
    if (!this.open) throw new Error('This draft was finished; it can no longer change');
  }
}

export class PersistentMap<V> implements ReadonlyMap<string, V> {
  private constructor(
    private readonly layers: Layers<V>,
    readonly size: number,
  ) {}

  static empty<V>(): PersistentMap<V> {
    return new PersistentMap<V>({ base: EMPTY_BASE, trie: EMPTY_TRIE as TrieNode<V>, changed: 0, seq: 0 }, 0);
  }

  /** For MapDraft.done(): the layers given are never changed again. */
  static of<V>(layers: Layers<V>, size: number): PersistentMap<V> {
    return new PersistentMap(layers, size);
  }

  get(key: string): V | undefined {
    const change = this.layers.changed === 0 ? undefined : findIn(this.layers.trie, key, hashOf(key));
    if (change === undefined) return this.layers.base.get(key);
    return change.value === GONE ? undefined : change.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** A draft to make changes on; this map stays as it is. */
  draft(): MapDraft<V> {
    return new MapDraft(this.layers, this.size);
  }

  set(key: string, value: V): PersistentMap<V> {
    const draft = this.draft();
    draft.set(key, value);
    return draft.done();
  }

  delete(key: string): PersistentMap<V> {
    const draft = this.draft();
    draft.delete(key);
    return draft.done();
  }

  entries(): MapIterator<[string, V]> {
    const { base, trie, changed } = this.layers;
    if (changed === 0) return base.entries();
    return entriesOf(base, [...leavesOf(trie)].map((l) => [l.key, l.change] as [string, Change<V>]), (key) => findIn(trie, key, hashOf(key)));
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }
}
