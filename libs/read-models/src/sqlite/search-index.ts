import type { Filter, FindOptions } from '../read-store.port.js';
import { fieldsOf, getPath, hasLoneSurrogate, isOperatorObject, matches, setPath } from './documents.js';

/**
 * The member list's search box over SQLite: an in-memory index per partition (one
 * organization), loaded from the table on the partition's first search and kept up to
 * date by the store's committed writes. Measured in bench/spikes/member-search.ts on
 * 3 organizations of 100,000 members: a LIKE scan had p50 800 ms, a per-organization
 * FTS5 trigram index p50 46 ms (joined to the rows and sorted), an array of strings
 * p50 5.3 ms, and the same strings joined into one and searched with `indexOf` p50
 * 2.2 ms, half of it reading 25 rows one by one (read here in one query).
 *
 * Entries are kept in the order a page is sorted in (the declared keys after the
 * partition, then `_id`), in chunks of a few hundred whose search text is joined into
 * one string; an insert or removal touches one chunk and rebuilds its string lazily.
 * Each entry holds only the fields a served query may read; a query that reads any other
 * field, sorts otherwise or has no literal text to look for is answered by SQL instead.
 * Partitions are evicted least recently used beyond a total number of entries, so memory
 * does not grow with the number of organizations searched.
 */
export interface SearchIndexSpec {
  /** The partition field: a served query pins it to one value. */
  partition: string;
  /** The order of the entries (a served query sorts by these, ascending, then `_id`). */
  order: string[];
  /** The fields searched for a literal text. */
  text: string[];
  /** Other fields a served query may filter on. */
  covers: string[];
}

/**
 * One document as the index keeps it: about a third of the memory the fields took as a
 * document (measured: 620 bytes a member as a compact document, RSS growing 62 MiB per
 * organization of 100,000). The text fields are kept only inside `text`; a candidate is
 * rebuilt into a document (`documentOf`) to be checked against the filter.
 */
interface Entry {
  id: string;
  key: unknown[];
  /** The text fields joined by FIELD_END. */
  text: string;
  /** Bit i set: text field i is missing or not a string. */
  missing: number;
  covers: unknown[];
}

const ENTRY_END = '\u0000';
const FIELD_END = '\u0001';
const CHUNK = 512;
const SEPARATORS = /[\u0000\u0001]/g;

// ---- Order: the order SQLite's ORDER BY gives the same values (json_extract, BINARY) -----
const rank = (v: unknown): number => (v === null || v === undefined ? 0 : typeof v === 'number' || typeof v === 'boolean' ? 1 : 2);

/** UTF-16 code units compared in code point order, which is UTF-8 byte order (SQLite's BINARY). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000;
      y += y >= 0xe000 ? -0x800 : 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 1) return Number(a) - Number(b);
  return compareStrings(typeof a === 'string' ? a : JSON.stringify(a), typeof b === 'string' ? b : JSON.stringify(b));
}

function compareEntries(a: Entry, b: Entry): number {
  for (let i = 0; i < a.key.length; i++) {
    const c = compareValues(a.key[i], b.key[i]);
    if (c !== 0) return c;
  }
  return compareStrings(a.id, b.id);
}

// ---- What a query asks ------------------------------------------------------------------
/** The literal text of a `$regex` built by `escapeRegex`, or null when it is a real pattern. */
export function literalOf(pattern: unknown, options: unknown): string | null {
  if (typeof pattern !== 'string' || (options !== undefined && options !== '')) return null;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return null;
      out += next;
    } else if ('.*+?^${}()|[]'.includes(c)) return null;
    else out += c;
  }
  // A lone surrogate reaches SQLite as U+FFFD: such a text is left to SQL, which answers it the same way every time.
  return out.includes(ENTRY_END) || out.includes(FIELD_END) || out.includes('\uFFFD') || hasLoneSurrogate(out) ? null : out;
}

// ---- Each chunk's trigrams, in a Bloom filter ---------------------------------------
/**
 * A chunk is scanned only when every trigram of the searched text may be in it: for a
 * search that matches a few dozen of 100,000 members, a few dozen of 200 chunks. Two bit
 * positions per trigram in 2^16 bits (8 KiB a chunk of 512 entries, about 3,000 distinct
 * trigrams): a chunk without the text passes a three-trigram text about once in 10^5.
 */
const BLOOM_BITS = 1 << 16;
const trigramHash = (text: string, at: number): number => Math.imul(Math.imul(text.charCodeAt(at), 0x9e3779b1) ^ Math.imul(text.charCodeAt(at + 1), 0x85ebca6b) ^ text.charCodeAt(at + 2), 0xc2b2ae35);
const bloomPositions = (hash: number): [number, number] => [hash & (BLOOM_BITS - 1), (hash >>> 16) ^ ((hash & 0xff) << 8)];

function bloomOf(entries: Entry[]): Uint32Array {
  const bits = new Uint32Array(BLOOM_BITS / 32);
  for (const { text } of entries)
    for (let i = 0; i + 2 < text.length; i++) {
      const [a, b] = bloomPositions(trigramHash(text, i));
      bits[a >>> 5] |= 1 << (a & 31);
      bits[b >>> 5] |= 1 << (b & 31);
    }
  return bits;
}

/** The searched text's trigram hashes (none under three characters: such a text scans every chunk). */
function trigramsOf(literal: string): number[] {
  const hashes: number[] = [];
  for (let i = 0; i + 2 < literal.length; i++) hashes.push(trigramHash(literal, i));
  return hashes;
}

class Chunk {
  entries: Entry[] = [];
  private joined: string | null = null;
  private starts: Int32Array | null = null;
  private bloom: Uint32Array | null = null;

  changed(): void {
    this.joined = null;
    this.starts = null;
    this.bloom = null;
  }

  private mayHold(trigrams: number[]): boolean {
    if (trigrams.length === 0) return true;
    this.bloom ??= bloomOf(this.entries);
    for (const hash of trigrams) {
      const [a, b] = bloomPositions(hash);
      if (!(this.bloom[a >>> 5] & (1 << (a & 31))) || !(this.bloom[b >>> 5] & (1 << (b & 31)))) return false;
    }
    return true;
  }

  /** Each entry holding `literal`, in order. */
  *find(literal: string, trigrams: number[]): Generator<Entry> {
    if (!this.mayHold(trigrams)) return;
    if (this.joined === null) {
      this.starts = new Int32Array(this.entries.length);
      let at = 0;
      for (let i = 0; i < this.entries.length; i++) {
        this.starts[i] = at;
        at += this.entries[i].text.length + 1;
      }
      this.joined = this.entries.map((e) => e.text).join(ENTRY_END) + ENTRY_END;
    }
    const { joined, starts, entries } = this;
    for (let at = joined.indexOf(literal); at !== -1; ) {
      let lo = 0;
      let hi = entries.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts![mid] <= at) lo = mid;
        else hi = mid - 1;
      }
      yield entries[lo];
      // On to the next entry: an entry is a candidate once however often it holds the text.
      if (lo + 1 >= entries.length) break;
      at = joined.indexOf(literal, starts![lo + 1]);
    }
  }
}

class Partition {
  private chunks: Chunk[] = [];
  readonly byId = new Map<string, Entry>();

  constructor(sorted: Entry[]) {
    for (let i = 0; i < sorted.length; i += CHUNK) {
      const chunk = new Chunk();
      chunk.entries = sorted.slice(i, i + CHUNK);
      this.chunks.push(chunk);
    }
    for (const entry of sorted) this.byId.set(entry.id, entry);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The chunk an entry belongs in, and its place there. */
  private locate(entry: Entry): { chunk: number; index: number } {
    let lo = 0;
    let hi = this.chunks.length - 1;
    // The first chunk whose last entry is not before this one.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const entries = this.chunks[mid].entries;
      if (compareEntries(entries[entries.length - 1], entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    const entries = this.chunks[lo]?.entries ?? [];
    let a = 0;
    let b = entries.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (compareEntries(entries[mid], entry) < 0) a = mid + 1;
      else b = mid;
    }
    return { chunk: lo, index: a };
  }

  insert(entry: Entry): void {
    if (this.chunks.length === 0) this.chunks.push(new Chunk());
    const { chunk, index } = this.locate(entry);
    const target = this.chunks[chunk];
    target.entries.splice(index, 0, entry);
    target.changed();
    if (target.entries.length > 2 * CHUNK) {
      const tail = new Chunk();
      tail.entries = target.entries.splice(CHUNK);
      this.chunks.splice(chunk + 1, 0, tail);
    }
    this.byId.set(entry.id, entry);
  }

  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    const { chunk, index } = this.locate(entry);
    const target = this.chunks[chunk];
    if (target?.entries[index] !== entry) throw new Error('search index out of order');
    target.entries.splice(index, 1);
    target.changed();
    if (target.entries.length === 0) this.chunks.splice(chunk, 1);
  }

  *find(literal: string): Generator<Entry> {
    const trigrams = trigramsOf(literal);
    for (const chunk of this.chunks) {
      if (literal === '') yield* chunk.entries;
      else yield* chunk.find(literal, trigrams);
    }
  }
}

export class SearchIndex {
  private readonly partitions = new Map<string, Partition>();
  private readonly fields: Set<string>;
  /** Covered values repeat (a member's status): each distinct one is kept once. */
  private readonly interned = new Map<unknown, unknown>();

  /**
   * @param load the partition's documents, sorted by `order` then `_id` (by SQL, so the
   *   order is exactly the one SQL would give a page)
   * @param maxEntries entries kept across partitions before the least recently used goes
   */
  constructor(
    readonly spec: SearchIndexSpec,
    private readonly load: (partition: string) => Iterable<Record<string, unknown>>,
    private readonly maxEntries = 200_000,
  ) {
    this.fields = new Set(['_id', spec.partition, ...spec.order, ...spec.text, ...spec.covers]);
  }

  private entryOf(doc: Record<string, unknown>): Entry {
    let missing = 0;
    const text = this.spec.text
      .map((field, i) => {
        const value = getPath(doc, field);
        // The separators cannot occur in a text; a search never contains their stand-in.
        if (typeof value === 'string') return value.replace(SEPARATORS, '\uFFFD');
        missing |= 1 << i;
        return '';
      })
      .join(FIELD_END);
    const covers = this.spec.covers.map((field) => {
      const value = getPath(doc, field);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return value;
      let kept = this.interned.get(value);
      if (kept === undefined) {
        if (this.interned.size < 10_000) this.interned.set(value, value);
        kept = value;
      }
      return kept;
    });
    return { id: String(doc._id), key: this.spec.order.map((field) => getPath(doc, field)), text, missing, covers };
  }

  /** The fields a served query may read, as a document: what the filter is checked against. */
  private documentOf(entry: Entry, partition: string): Record<string, unknown> {
    const doc: Record<string, unknown> = { _id: entry.id };
    setPath(doc, this.spec.partition, partition);
    this.spec.order.forEach((field, i) => entry.key[i] !== undefined && setPath(doc, field, entry.key[i]));
    const texts = entry.text.split(FIELD_END);
    this.spec.text.forEach((field, i) => !(entry.missing & (1 << i)) && setPath(doc, field, texts[i]));
    this.spec.covers.forEach((field, i) => entry.covers[i] !== undefined && setPath(doc, field, entry.covers[i]));
    return doc;
  }

  /** The literal a served query must contain, or null when this index cannot answer the query. */
  private servable(filter: Filter, sort: FindOptions['sort']): { partition: string; literal: string } | null {
    const partition = filter[this.spec.partition];
    if (typeof partition !== 'string') return null;
    for (const field of fieldsOf(filter)) if (!this.fields.has(field)) return null;
    if (sort) {
      const keys = Object.entries(sort);
      const wanted = [...this.spec.order, '_id'];
      if (keys.length > wanted.length || keys.some(([field, direction], i) => field !== wanted[i] || direction !== 1)) return null;
    }
    const literal = this.requiredLiteral(filter);
    return literal === null ? null : { partition, literal };
  }

  /** A text every match must contain in one of the text fields. */
  private requiredLiteral(filter: Filter): string | null {
    for (const [key, value] of Object.entries(filter)) {
      if (this.spec.text.includes(key) && isOperatorObject(value) && '$regex' in value) {
        const literal = literalOf(value.$regex, value.$options);
        if (literal !== null) return literal;
      }
      if (key === '$or' && Array.isArray(value) && value.length > 0) {
        const literals = (value as Filter[]).map((branch) => {
          const entries = Object.entries(branch);
          if (entries.length !== 1) return null;
          const [[field, condition]] = entries;
          return this.spec.text.includes(field) && isOperatorObject(condition) && '$regex' in condition ? literalOf(condition.$regex, condition.$options) : null;
        });
        if (literals.every((l) => l !== null && l === literals[0])) return literals[0];
      }
      if (key === '$and' && Array.isArray(value))
        for (const branch of value as Filter[]) {
          const literal = this.requiredLiteral(branch);
          if (literal !== null) return literal;
        }
    }
    return null;
  }

  private partition(value: string): Partition {
    let partition = this.partitions.get(value);
    if (partition) {
      // Most recently used last.
      this.partitions.delete(value);
      this.partitions.set(value, partition);
      return partition;
    }
    partition = new Partition(Array.from(this.load(value), (doc) => this.entryOf(doc)));
    let total = partition.size;
    for (const p of this.partitions.values()) total += p.size;
    for (const [key, p] of this.partitions) {
      if (total <= this.maxEntries) break;
      this.partitions.delete(key);
      total -= p.size;
    }
    this.partitions.set(value, partition);
    return partition;
  }

  /**
   * The ids of a page of matches, in order, and the number of all matches; null when the
   * query is not one this index answers.
   */
  query(filter: Filter, options: FindOptions = {}): { ids: string[]; total: number } | null {
    const servable = this.servable(filter, options.sort);
    if (!servable) return null;
    const skip = options.skip ?? 0;
    const end = options.limit === undefined || options.limit === 0 ? Infinity : skip + options.limit;
    const ids: string[] = [];
    let total = 0;
    const accepts = this.acceptor(filter, servable.partition, servable.literal);
    for (const entry of this.partition(servable.partition).find(servable.literal)) {
      if (!accepts(entry)) continue;
      if (total >= skip && total < end) ids.push(entry.id);
      total++;
    }
    return { ids, total };
  }

  /**
   * How a candidate (an entry holding the literal) is checked. The member list's shape
   * (the partition, an `$or` of the literal over every text field, conditions on covered
   * fields) is decided without rebuilding the entry: a hit lies inside one text field
   * (the literal holds no separator), so the `$or` holds, and what is left reads only the
   * covered values, decided once per distinct value. Any other filter is checked on the
   * entry rebuilt as a document.
   */
  private acceptor(filter: Filter, partition: string, literal: string): (entry: Entry) => boolean {
    // Implied by a hit: one branch per text field, each the literal searched.
    const implied = (branches: unknown) =>
      Array.isArray(branches) &&
      branches.length === this.spec.text.length &&
      this.spec.text.every((field) =>
        (branches as Filter[]).some((branch) => {
          const condition = branch[field];
          return Object.keys(branch).length === 1 && isOperatorObject(condition) && Object.keys(condition).every((k) => k === '$regex' || k === '$options') && literalOf(condition.$regex, condition.$options) === literal;
        }),
      );
    const residual: Filter = {};
    for (const [key, value] of Object.entries(filter)) if (key !== this.spec.partition && !(key === '$or' && implied(value))) residual[key] = value;
    const onCovers = '$or' in filter && implied(filter.$or) && [...fieldsOf(residual)].every((field) => this.spec.covers.includes(field));
    if (!onCovers) return (entry) => matches(this.documentOf(entry, partition), filter);
    const decided = new Map<string, boolean>();
    return (entry) => {
      const key = JSON.stringify(entry.covers);
      let accepted = decided.get(key);
      if (accepted === undefined) {
        const doc: Record<string, unknown> = {};
        this.spec.covers.forEach((field, i) => entry.covers[i] !== undefined && setPath(doc, field, entry.covers[i]));
        decided.set(key, (accepted = matches(doc, residual)));
      }
      return accepted;
    };
  }

  /** A committed write: `doc` is the document now (null when deleted). */
  changed(id: string, doc: Record<string, unknown> | null): void {
    for (const partition of this.partitions.values()) if (partition.byId.has(id)) partition.remove(id);
    if (!doc) return;
    const value = getPath(doc, this.spec.partition);
    if (typeof value === 'string') this.partitions.get(value)?.insert(this.entryOf(doc));
  }

  /** Writes this index cannot follow one by one (a filtered update or delete): start over. */
  clear(): void {
    this.partitions.clear();
  }

  /** How many entries are loaded (for tests and health). */
  get loadedEntries(): number {
    let total = 0;
    for (const p of this.partitions.values()) total += p.size;
    return total;
  }
}
