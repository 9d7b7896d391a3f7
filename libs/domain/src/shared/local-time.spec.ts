import { describe, expect, test } from '@jest/globals';
import { localDateOf, localDateTimeToInstant, localMidnightOnOrAfter, zoneOffsetMs } from './local-time.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('Local time in an IANA zone', () => {
  test('offsets: Chicago is UTC-6 in winter and UTC-5 in summer; Kolkata is UTC+5:30', () => {
    expect(zoneOffsetMs(at('2026-01-15T12:00:00Z'), 'America/Chicago')).toBe(-6 * 3_600_000);
    expect(zoneOffsetMs(at('2026-07-15T12:00:00Z'), 'America/Chicago')).toBe(-5 * 3_600_000);
    expect(zoneOffsetMs(at('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
  });

  test('the next local midnight in Chicago after 10:00 on 31 March is 05:00 UTC on 1 April (daylight time)', () => {
    expect(iso(localMidnightOnOrAfter(at('2026-03-31T15:00:00Z'), 'America/Chicago'))).toBe('2026-04-01T05:00:00.000Z');
  });

  test('an instant that is a local midnight is its own answer (Tokyo, UTC+9)', () => {
    expect(iso(localMidnightOnOrAfter(at('2026-03-31T15:00:00Z'), 'Asia/Tokyo'))).toBe('2026-03-31T15:00:00.000Z');
  });

  test('across the spring change in Chicago (8 March 2026) the midnight after it is at UTC-5', () => {
    expect(iso(localMidnightOnOrAfter(at('2026-03-08T12:00:00Z'), 'America/Chicago'))).toBe('2026-03-09T05:00:00.000Z');
    expect(iso(localMidnightOnOrAfter(at('2026-03-07T12:00:00Z'), 'America/Chicago'))).toBe('2026-03-08T06:00:00.000Z');
  });

  test('where a DST change skips midnight (Santiago, 6 September 2026), the day begins at 01:00', () => {
    const start = localMidnightOnOrAfter(at('2026-09-05T12:00:00Z'), 'America/Santiago');
    expect(iso(start)).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('a wall-clock date and time in a zone', () => {
  test('an ordinary day, the skipped hour of spring forward, the repeated hour of fall back', () => {
    // Chicago: CST is UTC-6, CDT UTC-5; 2026-03-08 02:00 jumps to 03:00; 2026-11-01 02:00 falls back to 01:00.
    expect(new Date(localDateTimeToInstant('2026-01-15', '23:59', 'America/Chicago')).toISOString()).toBe('2026-01-16T05:59:00.000Z');
    expect(new Date(localDateTimeToInstant('2026-03-08', '02:30', 'America/Chicago')).toISOString()).toBe('2026-03-08T08:30:00.000Z'); // shown as 03:30 CDT
    expect(new Date(localDateTimeToInstant('2026-11-01', '01:30', 'America/Chicago')).toISOString()).toBe('2026-11-01T06:30:00.000Z'); // the first 01:30 (CDT)
    expect(new Date(localDateTimeToInstant('2026-07-01', '00:00', 'Asia/Kolkata')).toISOString()).toBe('2026-06-30T18:30:00.000Z');
  });

  test('the local date of an instant', () => {
    expect(localDateOf(Date.parse('2026-01-16T05:59:00Z'), 'America/Chicago')).toBe('2026-01-15');
    expect(localDateOf(Date.parse('2026-01-16T06:00:00Z'), 'America/Chicago')).toBe('2026-01-16');
  });
});
