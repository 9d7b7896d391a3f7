import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const depcruise = resolve('node_modules/.bin/depcruise');

function cruise(): { ok: boolean; output: string } {
  try {
    const output = execFileSync(depcruise, ['libs', 'apps', '--config', '.dependency-cruiser.cjs'], { encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('Layering', () => {
  test('the code base passes the dependency rules', () => {
    const result = cruise();
    expect(result.output).not.toMatch(/error /);
    expect(result.ok).toBe(true);
  }, 60_000);

  test('a domain file importing Nest or a database client fails the check', () => {
    const file = join('libs/domain/src', `violation-${randomUUID()}.ts`);
    writeFileSync(file, "import { Injectable } from '@nestjs/common';\nimport Database from 'better-sqlite3';\nexport const x = [Injectable, Database];\n");
    try {
      const result = cruise();
      expect(result.ok).toBe(false);
      expect(result.output).toContain('domain-is-pure');
      expect(result.output).toContain('@nestjs/common');
      expect(result.output).toContain('better-sqlite3');
    } finally {
      rmSync(file, { force: true });
    }
  }, 60_000);
});
