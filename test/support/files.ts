import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Each file under `dir` that holds one of the values in clear (case-insensitively, as
 * UTF-8 or as single bytes), with the values it holds.
 */
export function searchFiles(dir: string, values: string[]): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    const latin1 = bytes.toString('latin1').toLowerCase();
    const utf8 = bytes.toString('utf8').toLowerCase();
    const hits = values.filter((v) => latin1.includes(v.toLowerCase()) || utf8.includes(v.toLowerCase()));
    if (hits.length) found[relative(dir, file)] = hits;
  }
  return found;
}
