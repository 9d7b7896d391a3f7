import type { Doc, Filter } from '../read-store.port.js';
import { literalOf } from './fast-paths.js';

type Primitive = string | number | boolean | null;

const FIELD_END = '\u0000';
const ENTRY_END = '\u0001';

/**
 * One partition's searchable text: every document's fields laid end to end in one
 * string, so a search is `indexOf` over contiguous memory instead of a walk over
 * 100,000 objects scattered in the heap (which is bound by cache misses, not by the
 * comparisons). Entries are appended; a changed or removed document leaves a dead
 * entry behind, and the text is rebuilt once the dead outnumber the living.
 */
class Corpus {
  private text = '';
  private pending: string[] = [];
  private length = 0;
  private readonly starts: number[] = [];
  private docs: (Doc | null)[] = [];
  private readonly slots = new Map<string, number>();
  private dead = 0;

  get size(): number {
    return this.slots.size;
  }

  add(doc: Doc, text: string): void {
    this.slots.set(doc._id, this.docs.length);
    this.starts.push(this.length);
    this.docs.push(doc);
    this.pending.push(text, ENTRY_END);
    this.length += text.length + 1;
  }

  /** The same text, a new document object (updates copy documents). */
  swap(doc: Doc): void {
    const slot = this.slots.get(doc._id);
    if (slot !== undefined) this.docs[slot] = doc;
  }

  remove(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.docs[slot] = null;
    this.slots.delete(id);
    this.dead++;
  }

  /** Rebuilds the text from the living entries when most of it is dead. */
  compact(textOf: (doc: Doc) => string): void {
    if (this.dead < 1024 || this.dead < this.slots.size) return;
    const living = this.docs.filter((d): d is Doc => d !== null);
    this.text = '';
    this.pending = [];
    this.length = 0;
    this.starts.length = 0;
    this.docs = [];
    this.slots.clear();
    this.dead = 0;
    for (const doc of living) this.add(doc, textOf(doc));
  }

  search(term: string): Doc[] {
    if (this.pending.length) {
      this.text += this.pending.join('');
      this.pending = [];
    }
    const out: Doc[] = [];
    const { text, starts, docs } = this;
    for (let at = text.indexOf(term); at !== -1; ) {
      // The entry holding this match: the last start at or before it.
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= at) lo = mid;
        else hi = mid - 1;
      }
      const doc = docs[lo];
      if (doc) out.push(doc);
      // One hit per entry is enough: go on from the next entry.
      const next = lo + 1 < starts.length ? starts[lo + 1] : text.length;
      at = text.indexOf(term, next);
    }
    return out;
  }
}

/**
 * A substring index for the mingo adapter: the documents of each value of
 * `partitionBy` (an organization), searchable for a literal text in any of `fields`.
 * It serves the filters a search box produces, `{ organizationId, $or: [{ name:
 * { $regex: <escaped literal> } }, { email: { $regex: ... } }] }`, which no equality
 * index can. MongoDB ignores the hint; there, such a search would be an Atlas Search
 * or n-gram field.
 */
export class SubstringIndex {
  private readonly partitions = new Map<Primitive, Corpus>();

  constructor(
    readonly partitionBy: string,
    readonly fields: string[],
  ) {}

  private textOf = (doc: Doc): string => this.fields.map((f) => (typeof doc[f] === 'string' ? (doc[f] as string) : '')).join(FIELD_END);

  private partitionOf(doc: Doc): Corpus | null {
    const value = doc[this.partitionBy];
    if (value === undefined || (value !== null && typeof value === 'object')) return null;
    let corpus = this.partitions.get(value as Primitive);
    if (!corpus) this.partitions.set(value as Primitive, (corpus = new Corpus()));
    return corpus;
  }

  /** Keeps the index right when `previous` becomes `next` (either may be absent). */
  put(previous: Doc | undefined, next: Doc | undefined): void {
    const before = previous ? this.partitionOf(previous) : null;
    const after = next ? this.partitionOf(next) : null;
    if (previous && next && before === after && before && this.textOf(previous) === this.textOf(next)) {
      before.swap(next);
      return;
    }
    if (previous && before) {
      before.remove(previous._id);
      before.compact(this.textOf);
    }
    if (next && after) after.add(next, this.textOf(next));
  }

  /**
   * The documents that satisfy the filter's partition and search conditions, and the
   * keys of the filter they satisfy; null when the filter is not a search this index serves.
   */
  candidates(filter: Filter): { docs: Doc[]; satisfied: string[] } | null {
    const partition = filter[this.partitionBy];
    if (partition === undefined || (partition !== null && typeof partition === 'object')) return null;
    let term: string | null = null;
    let key: string;
    const or = filter.$or;
    if (Array.isArray(or) && or.length > 0) {
      for (const branch of or) {
        const keys = Object.keys(branch ?? {});
        if (keys.length !== 1 || !this.fields.includes(keys[0])) return null;
        const literal = this.literal((branch as Filter)[keys[0]]);
        if (literal === null || (term !== null && literal !== term)) return null;
        term = literal;
      }
      key = '$or';
    } else {
      const field = this.fields.find((f) => filter[f] !== undefined);
      if (!field) return null;
      term = this.literal(filter[field]);
      key = field;
    }
    if (term === null || term === '') return null;
    const corpus = this.partitions.get(partition as Primitive);
    return { docs: corpus ? corpus.search(term) : [], satisfied: [this.partitionBy, key] };
  }

  /** The text a `{ $regex }` condition matches literally, case-sensitively, or null. */
  private literal(condition: unknown): string | null {
    if (!condition || typeof condition !== 'object') return null;
    const keys = Object.keys(condition);
    const { $regex, $options } = condition as { $regex?: unknown; $options?: unknown };
    if (typeof $regex !== 'string' || keys.some((k) => k !== '$regex' && k !== '$options') || ($options !== undefined && $options !== '')) return null;
    const literal = literalOf($regex);
    return literal === null || literal.includes(FIELD_END) || literal.includes(ENTRY_END) ? null : literal;
  }
}
