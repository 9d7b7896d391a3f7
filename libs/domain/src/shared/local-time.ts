/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl (Node has no
 * Temporal yet): what a scheduled job "in the organization's time zone" needs.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The first local midnight at or after an instant. On a day whose midnight a DST change
 * skips (clocks jump from 23:59 to 01:00), the day's first minute is the answer.
 */
export function localMidnightOnOrAfter(instant: number, timeZone: string): number {
  const wall = instant + zoneOffsetMs(instant, timeZone);
  const day = new Date(wall);
  let midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  if (midnight < wall) midnight += 86_400_000;
  // Wall time to instant: try the offsets in force about then; the right one maps back to
  // the wall time. None does where midnight is skipped: the day begins at the change, the
  // later of the two.
  const first = midnight - zoneOffsetMs(midnight, timeZone);
  const second = midnight - zoneOffsetMs(first, timeZone);
  const maps = (t: number) => t + zoneOffsetMs(t, timeZone) === midnight;
  const start = maps(second) ? second : maps(first) ? first : Math.max(first, second);
  return Math.max(start, instant);
}

/**
 * The instant of a wall-clock date and time in a zone (`2026-03-08`, `02:30`). A time the
 * clocks skip (spring forward) is moved on by the gap, as a wall clock shows it after the
 * change; a time that happens twice (fall back) is the first of the two.
 */
export function localDateTimeToInstant(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const candidates = [wall - zoneOffsetMs(wall - 43_200_000, timeZone), wall - zoneOffsetMs(wall + 43_200_000, timeZone)];
  const valid = candidates.filter((t) => t + zoneOffsetMs(t, timeZone) === wall);
  return valid.length > 0 ? Math.min(...valid) : Math.max(...candidates);
}

/** The wall-clock date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDateOf(instant: number, timeZone: string): string {
  return new Date(instant + zoneOffsetMs(instant, timeZone)).toISOString().slice(0, 10);
}
