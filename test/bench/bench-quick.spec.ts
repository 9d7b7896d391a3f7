import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Runs `npm run bench -- --quick` (built by `npm test`) so the benchmark cannot rot.
 * It checks that every row ran and reported figures; it asserts no timing.
 */
describe('npm run bench -- --quick', () => {
  test('runs every row and writes its figures', () => {
    const output = execFileSync(process.execPath, [resolve('dist/bench/run.js'), '--quick'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    expect(output).toContain('| # | figure | value | baseline | ratio | target | met | durability |');
    const report = JSON.parse(readFileSync(resolve('bench/last-run.quick.json'), 'utf8')) as { quick: boolean; rows: { id: number; value: number; durability: string; detail: Record<string, unknown> }[] };
    expect(report.quick).toBe(true);
    expect(report.rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const row of report.rows) {
      expect(Number.isFinite(row.value)).toBe(true);
      expect(row.durability.length).toBeGreaterThan(0);
    }
    // Statements were stored (every batch answered 200), and the analytics read back a generated week's statements exactly.
    const statements = report.rows.find((r) => r.id === 10)! as unknown as { detail: { statusCodes: Record<string, number>; eventsStored: number } };
    expect(Object.keys(statements.detail.statusCodes)).toEqual(['200']);
    expect(statements.detail.eventsStored).toBeGreaterThan(0);
    const reports = report.rows.find((r) => r.id === 11)! as unknown as { detail: { check: { statements: number; expected: number } } };
    expect(reports.detail.check.statements).toBe(reports.detail.check.expected);
    const conflicts = report.rows.find((r) => r.id === 6)!;
    expect(conflicts.detail.outcomes).toEqual(expect.arrayContaining([{ won: 1, conflicts: 99, other: 0 }]));
    // The export row streamed every event of the log (its own count, not a timing).
    const exported = report.rows.find((r) => r.id === 7)! as unknown as { met: boolean; detail: { exportedMiB: number } };
    expect(exported.met).toBe(true);
    // The import row created every row of its file, with no failure (counts, not a timing).
    const imported = report.rows.find((r) => r.id === 9)!;
    expect(imported.detail).toMatchObject({ created: 5_000, failures: 0 });
  }, 150_000);
});
