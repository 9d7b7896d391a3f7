import type { ReadStore } from '../read-store.port.js';
import { escapeRegex } from '../read-store.port.js';
import { DICTIONARY_ENTRIES, type DictionaryEntryDocument } from '../projections/dictionary.projection.js';
import type { Page, PageSize } from './organizations.queries.js';

export interface DictionaryEntryItem {
  id: string;
  term: string;
  translation: string;
  languageId: string;
  pronunciation: string | null;
  createdAt: string;
  updatedAt: string;
  revision: number;
}

const item = (d: DictionaryEntryDocument): DictionaryEntryItem => ({
  id: d._id,
  term: d.term,
  translation: d.translation,
  languageId: d.languageId,
  pronunciation: d.pronunciation,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
  revision: d.version,
});

export interface DictionaryQuery {
  /** Matches the term or the translation, anywhere, in any case. */
  search?: string;
  languageId?: string;
  page: number;
  pageSize: PageSize;
}

function filterOf(organizationId: string, query: Pick<DictionaryQuery, 'search' | 'languageId'>): Record<string, unknown> {
  const filter: Record<string, unknown> = { organizationId };
  if (query.languageId) filter.languageId = query.languageId;
  const search = query.search?.trim().toLowerCase();
  if (search) filter.$or = [{ termSort: { $regex: escapeRegex(search) } }, { translationSearch: { $regex: escapeRegex(search) } }];
  return filter;
}

/** An organization's dictionary, by term (then translation), searched and filtered, in pages. */
export async function listDictionary(store: ReadStore, organizationId: string, query: DictionaryQuery): Promise<Page<DictionaryEntryItem>> {
  const { items, total } = await store
    .collection<DictionaryEntryDocument>(DICTIONARY_ENTRIES)
    .findPage(filterOf(organizationId, query), { sort: { termSort: 1, translationSearch: 1, _id: 1 }, skip: (query.page - 1) * query.pageSize, limit: query.pageSize });
  return { items: items.map(item), total, page: query.page, pageSize: query.pageSize };
}

export async function getDictionaryEntry(store: ReadStore, organizationId: string, entryId: string): Promise<DictionaryEntryItem | null> {
  const d = await store.collection<DictionaryEntryDocument>(DICTIONARY_ENTRIES).findOne({ _id: entryId, organizationId });
  return d ? item(d) : null;
}

/** Every entry (the export), in the list's order, a page at a time so a large dictionary never sits in memory whole. */
export async function* allDictionaryEntries(store: ReadStore, organizationId: string, query: Pick<DictionaryQuery, 'search' | 'languageId'> = {}): AsyncGenerator<DictionaryEntryItem> {
  const collection = store.collection<DictionaryEntryDocument>(DICTIONARY_ENTRIES);
  const filter = filterOf(organizationId, query);
  for (let skip = 0; ; skip += 1_000) {
    const { items } = await collection.findPage(filter, { sort: { termSort: 1, translationSearch: 1, _id: 1 }, skip, limit: 1_000 });
    for (const d of items) yield item(d);
    if (items.length < 1_000) return;
  }
}
