import type { Filter, IndexSpec } from '../read-store.port.js';

/**
 * Substring search on MongoDB through an index. A plain index cannot serve an
 * unanchored `$regex` (`/ada/` in "Grenada"), so the adapter keeps, in each document of
 * a collection with a search hint (`IndexSpec.substring`), the set of its searched
 * fields' three-character pieces (`_grams`), indexed after the hint's scope (the
 * organization). A search for a literal of three or more characters then asks for the
 * documents holding all of its pieces (`_grams: { $all }`, through the index) and the
 * `$regex` checks what remains: the pieces can only narrow, never lose, a match.
 *
 * The server computes the pieces itself (`gramsExpression`, a pipeline update), in the
 * transaction of the write that changed the fields: no extra read per write, and the
 * same code points as JavaScript (`$substrCP`, `$strLenCP`). The searched fields are
 * lowercased by the projections, and the queries lowercase the term, so no case folding
 * happens here (MongoDB's `$toLower` folds ASCII only).
 */
export const GRAMS_FIELD = '_grams';
/** The searched text the pieces were made from: a write that leaves it unchanged needs no new pieces. */
export const GRAMS_SOURCE_FIELD = '_gramsOf';
const SIZE = 3;

export interface SearchSpec {
  /** The field a search is always within (the organization). */
  scope: string;
  fields: string[];
  name: string;
}

export function searchSpecOf(spec: IndexSpec): SearchSpec | null {
  if (!spec.substring?.length) return null;
  return { scope: Object.keys(spec.keys)[0], fields: spec.substring, name: spec.name ?? `${spec.substring.join('_')}_grams` };
}

/** The three-code-point pieces of a text, each once (what `gramsExpression` computes on the server). */
export function gramsOf(text: string): string[] {
  const points = Array.from(text);
  const pieces = new Set<string>();
  for (let i = 0; i + SIZE <= points.length; i++) pieces.add(points.slice(i, i + SIZE).join(''));
  return [...pieces];
}

/** The pieces of each field, united: pieces never span two fields. */
export function gramsExpression(fields: string[]): Record<string, unknown> {
  return {
    $setUnion: fields.map((field) => ({
      $let: {
        vars: { t: { $ifNull: [`$${field}`, ''] } },
        in: {
          $map: {
            input: { $range: [0, { $max: [0, { $subtract: [{ $strLenCP: '$$t' }, SIZE - 1] }] }] },
            as: 'i',
            in: { $substrCP: ['$$t', '$$i', SIZE] },
          },
        },
      },
    })),
  };
}

/** The searched fields joined (with a character no field holds): the source the pieces stand for. */
export function gramsSourceExpression(fields: string[]): Record<string, unknown> {
  return { $concat: fields.flatMap((field, i) => [...(i > 0 ? ['\u0000'] : []), { $ifNull: [`$${field}`, ''] }]) };
}

/** The pipeline update that (re)computes a document's pieces. */
export const gramsUpdate = (spec: SearchSpec): Record<string, unknown>[] => [
  { $set: { [GRAMS_FIELD]: gramsExpression(spec.fields), [GRAMS_SOURCE_FIELD]: gramsSourceExpression(spec.fields) } },
];

/** Documents whose pieces are missing or were made from other text. */
export const staleGrams = (spec: SearchSpec): Filter => ({ $expr: { $ne: [`$${GRAMS_SOURCE_FIELD}`, gramsSourceExpression(spec.fields)] } });

const META = new Set(['.', '*', '+', '?', '^', '$', '{', '}', '(', ')', '|', '[', ']', '\\']);

/** The literal text a pattern made by `escapeRegex` stands for; null for a real pattern. */
export function literalOf(pattern: string): string | null {
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined || !META.has(next)) return null;
      literal += next;
    } else if (META.has(c)) return null;
    else literal += c;
  }
  return literal;
}

/** The literal a condition searches for (`{ $regex: literal }`, case-sensitive), or null. */
function searchedLiteral(condition: unknown): string | null {
  if (typeof condition !== 'object' || condition === null) return null;
  const { $regex, $options, ...rest } = condition as Record<string, unknown>;
  if (typeof $regex !== 'string' || Object.keys(rest).length > 0 || ($options !== undefined && $options !== '')) return null;
  return literalOf($regex);
}

/**
 * The filter with the pieces' condition added, when it searches the spec's fields for
 * one literal of three or more characters: `{ field: { $regex } }` or an `$or` of such
 * conditions on the searched fields. Any other filter is returned as it is.
 */
export function withGrams(filter: Filter, spec: SearchSpec): Filter {
  const literals: (string | null)[] = [];
  if (Array.isArray(filter.$or)) {
    for (const branch of filter.$or as Record<string, unknown>[]) {
      const keys = Object.keys(branch);
      if (keys.length !== 1 || !spec.fields.includes(keys[0])) return filter;
      literals.push(searchedLiteral(branch[keys[0]]));
    }
  } else {
    for (const field of spec.fields) if (field in filter) literals.push(searchedLiteral(filter[field]));
  }
  const literal = literals[0];
  if (!literal || literals.some((l) => l !== literal) || Array.from(literal).length < SIZE) return filter;
  return { ...filter, [GRAMS_FIELD]: { $all: gramsOf(literal) } };
}
