import { ProblemException } from './problem.js';

/** A resource's version as an entity tag (RFC 9110, 8.8.3): strong, quoted. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Parses If-Match as RFC 9110 writes it: `"3"` (the ETag as sent), a bare `3` is
 * accepted too. A weak tag (`W/"3"`) never matches under the strong comparison If-Match
 * uses, and neither does `*`-less garbage in quotes: both are a 412 (-1 never matches).
 * Only a value that is no entity tag at all is a 400. Absent means no precondition.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const value = header.trim();
  // "Any current representation": whether there is one is the decider's 404 to give.
  if (value === '*') return undefined;
  const strong = /^"?(\d{1,15})"?$/.exec(value);
  if (strong) return Number(strong[1]);
  if (/^(W\/)?"[\x21\x23-\x7e]*"$/.test(value)) return -1;
  throw new ProblemException('invalid-if-match', 'If-Match must be an ETag as a GET returned it, for example If-Match: "3"');
}
