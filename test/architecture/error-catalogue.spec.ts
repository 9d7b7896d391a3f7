import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CATALOGUE } from '#domain';

/**
 * Every error code the service can answer with is declared once, in
 * libs/domain/src/shared/error-catalogue.ts. The ErrorCode type catches most slips at
 * compile time; this scan catches the rest (a cast, a string built elsewhere and passed
 * in, a code in a redirect's ?error=).
 */
const CODE_SITES = /(?:new (?:DomainError|ValidationFailed|ProblemException|SignInRefused)|\brefuse|\bbadRequest|\bmake|\bonly\([^,]*)\(\s*'([a-z0-9-]+)'|\bonly\([^,)]*,\s*((?:'[a-z0-9-]+',?\s*)+)\)|errors: \[((?:'[a-z0-9-]+',?\s*)+)\]|code(?:: ErrorCode)? = '([a-z0-9-]+)'|code: '([a-z0-9-]+)'/g;

function codesIn(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(CODE_SITES))
    for (const group of match.slice(1)) if (group) found.push(...[...group.matchAll(/'?([a-z0-9-]+)'?/g)].map((m) => m[1]));
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'testing' ? [] : sources(path);
    return /\.ts$/.test(name) && !/\.(spec|int-spec)\.ts$/.test(name) ? [path] : [];
  });
}

describe('Error catalogue', () => {
  test('every code the sources use is declared', () => {
    const undeclared = new Map<string, string>();
    let seen = 0;
    for (const file of [...sources('apps'), ...sources('libs')]) {
      for (const code of codesIn(readFileSync(file, 'utf8'))) {
        seen++;
        if (!Object.hasOwn(ERROR_CATALOGUE, code)) undeclared.set(code, file);
      }
    }
    // The scan must find the codes at all (a broken pattern would pass vacuously).
    expect(seen).toBeGreaterThan(100);
    expect(Object.fromEntries(undeclared)).toEqual({});
  });

  test('the scan finds a code that is used but not declared', () => {
    const source = "throw new DomainError('no-such-rule' as never, 'x');\nthrow new ProblemException('another-one' as never, 'y');\nconst e = { code: 'email-already-in-use' };";
    expect(codesIn(source).filter((code) => !Object.hasOwn(ERROR_CATALOGUE, code))).toEqual(['no-such-rule', 'another-one']);
  });

  test('each entry has a status a problem response can carry and a title', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect({ code, kebab: /^[a-z0-9]+(-[a-z0-9]+)*$/.test(code) }).toEqual({ code, kebab: true });
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.title.length).toBeGreaterThan(5);
    }
  });
});
