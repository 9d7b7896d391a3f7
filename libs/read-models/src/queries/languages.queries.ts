import type { ReadStore } from '../read-store.port.js';
import { escapeRegex } from '../read-store.port.js';
import { LANGUAGES, type LanguageDocument } from '../projections/languages.projection.js';
import type { Page, PageSize } from './organizations.queries.js';

export interface LanguageListItem {
  id: string;
  name: string;
  code: string;
  supportsPronunciation: boolean;
  representationLabel: string | null;
  usage: number;
  /** The guide's words. */
  status: 'unused' | 'in use';
  revision: number;
}

const item = (d: LanguageDocument): LanguageListItem => ({
  id: d._id,
  name: d.name,
  code: d.code,
  supportsPronunciation: d.supportsPronunciation,
  representationLabel: d.representationLabel,
  usage: d.usage,
  status: d.usage > 0 ? 'in use' : 'unused',
  revision: d.version,
});

/** The languages, searched by name or code, sorted by name or by usage (most used first), in pages. */
export async function listLanguages(store: ReadStore, query: { search?: string; sort: 'name' | 'usage'; page: number; pageSize: PageSize }): Promise<Page<LanguageListItem>> {
  const search = query.search?.trim();
  const filter = search ? { $or: [{ name: { $regex: escapeRegex(search), $options: 'i' } }, { code: { $regex: `^${escapeRegex(search)}`, $options: 'i' } }] } : {};
  const sort: Record<string, 1 | -1> = query.sort === 'usage' ? { usage: -1, nameSort: 1, _id: 1 } : { nameSort: 1, _id: 1 };
  const { items, total } = await store.collection<LanguageDocument>(LANGUAGES).findPage(filter, { sort, skip: (query.page - 1) * query.pageSize, limit: query.pageSize });
  return { items: items.map(item), total, page: query.page, pageSize: query.pageSize };
}

export async function getLanguage(store: ReadStore, id: string): Promise<LanguageListItem | null> {
  const d = await store.collection<LanguageDocument>(LANGUAGES).findOne({ _id: id });
  return d ? item(d) : null;
}

/** How many dictionary entries carry pronunciation text in the language (for the message of a refused edit). */
export async function pronunciationEntriesOf(store: ReadStore, id: string): Promise<number> {
  const d = await store.collection<LanguageDocument>(LANGUAGES).findOne({ _id: id });
  return d?.pronunciationEntries ?? 0;
}
