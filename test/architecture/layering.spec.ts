import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

  test('each rule fails on code that breaks it: an app importing another, a use case importing another, a lower library importing the runtime', () => {
    const id = randomUUID().slice(0, 8);
    const folder = `apps/command-api/src/members/violating-${id}`;
    const files = {
      [`apps/projector/src/violation-${id}.ts`]: "import { AppModule } from '../../command-api/src/app.module.js';\nexport const x = AppModule;\n",
      [`${folder}/violation.ts`]: "import { InviteUserController } from '../inviting-user/invite-user.js';\nexport const x = InviteUserController;\n",
      [`libs/read-models/src/violation-${id}.ts`]: "import { loadConfig } from '#runtime';\nexport const x = loadConfig;\n",
    };
    mkdirSync(folder, { recursive: true });
    for (const [file, source] of Object.entries(files)) writeFileSync(file, source);
    try {
      const result = cruise();
      expect(result.ok).toBe(false);
      expect(result.output).toMatch(new RegExp(`apps-do-not-import-each-other: apps/projector/src/violation-${id}\\.ts`));
      expect(result.output).toMatch(new RegExp(`use-cases-are-independent: ${folder}/violation\\.ts`));
      expect(result.output).toMatch(new RegExp(`libs-below-the-runtime: libs/read-models/src/violation-${id}\\.ts`));
    } finally {
      for (const file of Object.keys(files)) rmSync(file, { force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
