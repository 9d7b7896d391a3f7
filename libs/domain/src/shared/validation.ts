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

/**
 * A time zone is valid when the platform's IANA database knows it. Returns the
 * canonical spelling (for example `utc` -> `UTC`) or null. Offsets such as `+02:00`
 * are refused: they are not zones and do not follow daylight saving.
 */
export function canonicalTimeZone(value: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(value)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
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
