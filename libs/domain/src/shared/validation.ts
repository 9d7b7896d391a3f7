import type { FieldError } from './domain-error.js';

/** Collects field errors so one response lists every problem, not just the first. */
export class FieldErrors {
  readonly errors: FieldError[] = [];

  add(field: string, message: string): this {
    this.errors.push({ field, message });
    return this;
  }

  get any(): boolean {
    return this.errors.length > 0;
  }
}

let knownZones: Map<string, string> | null = null;

/** IANA names the runtime lists, by lower-cased name, for case-insensitive lookup. */
function zonesByLowerCase(): Map<string, string> {
  if (!knownZones) {
    knownZones = new Map();
    for (const zone of [...Intl.supportedValuesOf('timeZone'), 'UTC']) knownZones.set(zone.toLowerCase(), zone);
  }
  return knownZones;
}

/**
 * A time zone is valid when the platform's IANA database knows it. Returns the name
 * in its proper case (`utc` -> `UTC`), or null. ICU's own canonical form is not used: it
 * would turn `America/Argentina/Buenos_Aires` into `America/Buenos_Aires` (a CLDR id, not
 * IANA's). The HTTP layer stores links as IANA's canonical zone before a command is
 * decided (apps/command-api/src/shared/time-zones.ts, issue 22). Offsets such as `+02:00`
 * are refused: they are not zones and keep no daylight saving.
 */
export function canonicalTimeZone(value: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(value)) return null;
  const listed = zonesByLowerCase().get(value.toLowerCase());
  if (listed) return listed;
  try {
    // Legacy aliases (US/Eastern) are valid but not listed.
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value;
  } catch {
    return null;
  }
}

/** Counts user-perceived characters (code points), not UTF-16 units. */
export function lengthOf(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}
