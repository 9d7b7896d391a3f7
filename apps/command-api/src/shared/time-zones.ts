import { getTimeZones, timeZonesNames, tzdbVersion, type TimeZone } from '@vvo/tzdb';
import { zoneOffsetMs } from '#domain';

/**
 * The time zones an admin picks from (language-school guide, "Time Zone": "Search by
 * city, region, or time zone name"; issue 22), from `@vvo/tzdb`, a package kept up to date
 * with the IANA database for pickers: each zone with its main cities (largest first), its
 * country, its generic name ("Central Time") and its abbreviations.
 *
 * Ids are IANA's canonical names. The runtime's ICU knows zones by CLDR ids, which differ
 * for some (ICU says `Asia/Calcutta` for IANA's `Asia/Kolkata`, `Europe/Kiev` for
 * `Europe/Kyiv`), but it does tell which names are one zone: a name ICU resolves to the same
 * id as one of IANA's 418 canonical zones is that zone (`US/Central` → `America/Chicago`).
 * UTC and its aliases are `UTC`, as organizations have always stored it.
 */
export const TIME_ZONE_DATA_VERSION = tzdbVersion;

const icuIdOf = (name: string): string | null => {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
};

let canonicalByIcu: Map<string, string> | null = null;
let canonicalByLowerCase: Map<string, string> | null = null;

function tables() {
  if (!canonicalByIcu || !canonicalByLowerCase) {
    canonicalByIcu = new Map();
    canonicalByLowerCase = new Map([['utc', 'UTC']]);
    for (const name of timeZonesNames) {
      canonicalByLowerCase.set(name.toLowerCase(), name);
      const icu = icuIdOf(name);
      if (icu && !canonicalByIcu.has(icu)) canonicalByIcu.set(icu, name);
    }
  }
  return { canonicalByIcu, canonicalByLowerCase };
}

/**
 * The canonical IANA id of a zone name or alias, in its proper case (`us/central` →
 * `America/Chicago`), or null for a name that is no zone (the domain then refuses it with
 * its own message). Offsets such as `+02:00` are no zones.
 */
export function canonicalZone(value: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(value)) return null;
  const { canonicalByIcu, canonicalByLowerCase } = tables();
  const listed = canonicalByLowerCase.get(value.toLowerCase());
  if (listed) return listed;
  const icu = icuIdOf(value);
  if (!icu) return null;
  if (icu === 'UTC' || icu === 'Etc/UTC' || icu === 'Etc/GMT') return 'UTC';
  return canonicalByIcu.get(icu) ?? null;
}

/** A DTO transform: a zone name or alias as its canonical id; anything else as sent, for the domain to refuse with its message. */
export const canonicalZoneField = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? (canonicalZone(value.trim()) ?? value) : value);

export interface TimeZoneView {
  /** The canonical IANA id an organization stores. */
  id: string;
  /** The generic name: "Central Time". */
  name: string;
  mainCities: string[];
  countryName: string | null;
  countryCode: string | null;
  continentName: string | null;
  /** At the time of the answer: the offset from UTC in minutes and as `-05:00`, and the abbreviation (`CDT` in summer). */
  currentOffsetMinutes: number;
  currentOffset: string;
  abbreviation: string;
}

/** Lower case, accents gone, runs of separators one space: "São_Paulo" and "sao paulo" compare equal. */
const folded = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\s_\-/,().]+/g, ' ')
    .trim();

const formatOffset = (minutes: number): string => `${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;

interface Entry {
  zone: TimeZone;
  id: string;
  cities: string[];
  name: string;
  country: string;
  continent: string;
  ids: string[];
}

let entries: Entry[] | null = null;

function catalogue(): Entry[] {
  entries ??= getTimeZones({ includeUtc: true }).map((zone) => ({
    zone,
    id: zone.name === 'Etc/UTC' ? 'UTC' : zone.name,
    cities: zone.mainCities.filter(Boolean).map(folded),
    name: folded(zone.alternativeName),
    country: folded(zone.countryName),
    continent: folded(zone.continentName),
    ids: zone.group.map(folded),
  }));
  return entries;
}

/**
 * How well a zone matches, lower first: [kind, rank]. A city named exactly comes first,
 * then a city the query begins, then one it is part of (each by the city's place among the
 * zone's main cities, largest first); then the generic name (the shortest such name
 * first: "Central Time" before "Central European Time"), the country, the zone's ids and
 * aliases, the continent. Null: no match.
 */
function scoreOf(entry: Entry, query: string): [number, number] | null {
  const city = (test: (c: string) => boolean) => entry.cities.findIndex(test);
  let i = city((c) => c === query);
  if (i >= 0) return [0, i];
  i = city((c) => c.startsWith(query));
  if (i >= 0) return [1, i];
  i = city((c) => c.includes(query));
  if (i >= 0) return [2, i];
  if (entry.name.includes(query)) return [3, entry.name.length];
  if (entry.country.includes(query)) return [4, 0];
  if (entry.ids.some((id) => id.includes(query))) return [5, 0];
  if (entry.continent.includes(query)) return [6, 0];
  return null;
}

/**
 * The zones matching `search` (all of them without one), best first: `total`, and the page
 * from `offset` with at most `limit` zones. Offsets are computed for the page only, by the
 * domain's cached formatters (the runtime's rules, DST included).
 */
export function searchTimeZones(search: string | undefined, now: Date, page: { offset: number; limit: number }): { items: TimeZoneView[]; total: number } {
  const query = folded(search ?? '');
  const matched = catalogue()
    .map((entry) => ({ entry, score: query ? scoreOf(entry, query) : ([0, 0] as [number, number]) }))
    .filter((m): m is { entry: Entry; score: [number, number] } => m.score !== null);
  // Ties go to the zone that stands for more (more zones and aliases merged into it: Chicago's
  // Central Time before Belize's), then by id.
  if (query) matched.sort((a, b) => a.score[0] - b.score[0] || a.score[1] - b.score[1] || b.entry.ids.length - a.entry.ids.length || a.entry.id.localeCompare(b.entry.id));
  const items = matched.slice(page.offset, page.offset + page.limit).map(({ entry: { zone, id } }) => {
    const offset = Math.round(zoneOffsetMs(now.getTime(), zone.name) / 60_000);
    // Summer time when the offset now differs from the zone's standard one.
    const abbreviation = offset !== zone.rawOffsetInMinutes && zone.dstAbbreviation ? zone.dstAbbreviation : zone.abbreviation;
    return {
      id,
      name: zone.alternativeName,
      mainCities: zone.mainCities.filter(Boolean),
      countryName: zone.countryName || null,
      countryCode: zone.countryCode || null,
      continentName: zone.continentName || null,
      currentOffsetMinutes: offset,
      currentOffset: formatOffset(offset),
      abbreviation,
    };
  });
  return { items, total: matched.length };
}
