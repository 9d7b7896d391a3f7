import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateApi } from 'swagger-typescript-api';
import ts from 'typescript';
import { SUPERADMIN, startTestApp, type TestApp } from '../support/test-app.js';

type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: { in: string; name: string; schema?: { type?: string } }[];
  requestBody?: { content: Record<string, { schema: { type?: string; format?: string } }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> } };

let t: TestApp;
let document: Document;
let baseUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));

beforeAll(async () => {
  t = await startTestApp();
  document = (await t.http().get('/docs/openapi.json')).body;
  await t.app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as import('node:net').AddressInfo).port}`;
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const operations = () =>
  Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, operation })));

describe('OpenAPI that a client generator can trust', () => {
  test('the document is valid OpenAPI (checked by @apidevtools/swagger-parser)', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  test('every operation has an id, a summary, a description, a schema for its success and the problem responses it can give', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(50);
    const ids = ops.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const gaps: string[] = [];
    for (const { key, operation } of ops) {
      if (!operation.summary || !operation.description || !operation.operationId) gaps.push(`${key}: no summary, description or id`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^2/.test(status) && status !== '204' && !Object.values(response.content ?? {}).some((c) => c.schema)) gaps.push(`${key}: ${status} has no schema`);
        if (/^[45]/.test(status) && !response.content?.['application/problem+json']) gaps.push(`${key}: ${status} is not problem+json`);
      }
      if (!Object.keys(operation.responses).some((s) => /^[45]/.test(s))) gaps.push(`${key}: no error responses`);
      const params = (operation.parameters ?? []).map((p) => `${p.in}:${p.name.toLowerCase()}`);
      if (new Set(params).size !== params.length) gaps.push(`${key}: a parameter listed twice`);
    }
    expect(gaps).toEqual([]);
  });

  test('the headers are documented: If-Match and 412 on edits, ETag on single resources, Idempotency-Key on writes, X-Min-Position on consistent reads', () => {
    const op = (key: string) => operations().find((o) => o.key === key)!.operation;
    const headerNames = (o: Operation) => (o.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
    for (const key of ['PATCH /organizations/{orgId}', 'PATCH /organizations/{orgId}/users/{userId}', 'PATCH /organizations/{orgId}/classes/{classId}', 'PATCH /sso/providers/{id}']) {
      expect({ key, headers: headerNames(op(key)) }).toEqual({ key, headers: expect.arrayContaining(['If-Match', 'Idempotency-Key']) });
      expect(op(key).responses['412']).toBeDefined();
      expect(op(key).responses['200'].headers).toHaveProperty('ETag');
    }
    for (const key of ['GET /organizations/{orgId}', 'GET /organizations/{orgId}/users/{userId}', 'GET /organizations/{orgId}/classes/{classId}', 'GET /sso/providers/{id}']) {
      expect(op(key).responses['200'].headers).toHaveProperty('ETag');
      expect(headerNames(op(key))).toContain('X-Min-Position');
    }
  });

  test('the logo upload is a binary body with its image types; GET /setup is documented; text fields are strings', () => {
    const upload = operations().find((o) => o.key === 'PUT /organizations/{orgId}/logo')!.operation;
    expect(Object.keys(upload.requestBody!.content)).toEqual(expect.arrayContaining(['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff']));
    for (const media of Object.values(upload.requestBody!.content)) expect(media.schema).toEqual({ type: 'string', format: 'binary' });
    expect(document.paths['/setup']?.get?.responses['200'].content).toHaveProperty('text/html');
    const schemas = document.components.schemas;
    expect(schemas.CreateOrganizationDto.properties!.description.type).toBe('string');
    expect(schemas.EditOrganizationDto.properties!.description).toMatchObject({ type: 'string', nullable: true });
    expect(schemas.UpdateSsoProviderDto.properties!.scopes.oneOf).toEqual([{ type: 'string' }, { type: 'array', items: { type: 'string' } }]);
  });

  test('time zones (issue 22): the picker\'s search, and the edit\'s dry run with what a zone change moves', () => {
    const picker = operations().find((o) => o.key === 'GET /time-zones')!.operation;
    expect(picker.parameters!.map((p) => (p as { name: string }).name)).toEqual(expect.arrayContaining(['search', 'page', 'pageSize']));
    const edit = operations().find((o) => o.key === 'PATCH /organizations/{orgId}')!.operation;
    expect(edit.parameters!.find((p) => (p as { name: string }).name === 'dryRun')).toMatchObject({ in: 'query', schema: { type: 'boolean' } });
    expect(edit.responses['200'].content!['application/json'].schema).toEqual({ $ref: '#/components/schemas/EditOrganizationResponse' });
    const schemas = document.components.schemas as Record<string, { properties?: Record<string, { $ref?: string; allOf?: { $ref: string }[] }> }>;
    const change = schemas.EditOrganizationResponse.properties!.timeZoneChange;
    expect(change.$ref ?? change.allOf?.[0].$ref).toBe('#/components/schemas/TimeZoneChangeDto');
    expect(Object.keys(schemas.TimeZoneChangeDto.properties!)).toEqual(['before', 'after', 'shifts', 'assignments', 'nextDayClosing']);
    expect(Object.keys(schemas.ShiftsDto.properties!)).toEqual(['classes', 'assignments', 'dueDates', 'dueAtOnce']);
  });

  test('a typed client generated from it (swagger-typescript-api) type-checks a program calling three routes, refuses a wrong one, and runs', async () => {
    const generated = await generateApi({ spec: structuredClone(document) as never, output: false, httpClientType: 'fetch', silent: true });
    for (const file of generated.files) writeFileSync(join(dir, `${file.fileName}${file.fileExtension}`), file.fileContent);
    const program = (body: string) => `import { Api } from './Api';
export async function main(baseUrl: string, email: string, password: string) {
  const api = new Api<string>({ baseUrl, securityWorker: (token) => (token ? { headers: { Authorization: \`Bearer \${token}\` } } : {}) });
  const session = await api.auth.signIn({ email, password });
  api.setSecurityData(session.data.accessToken);
  const created = await api.organizations.createOrganization({ name: 'Generated Client School', timeZone: 'UTC' });
  const organization = await api.organizations.getOrganization(created.data.id);
  const users = await api.organizations.listUsers(created.data.id, { page: 1, pageSize: 25 });
  ${body}
}
`;
    const check = (source: string) => {
      writeFileSync(join(dir, 'program.ts'), source);
      const options = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], skipLibCheck: true, types: [] };
      const compiled = ts.createProgram([join(dir, 'program.ts')], options);
      return ts.getPreEmitDiagnostics(compiled).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    const good = program('const name: string = organization.data.name; const total: number = users.data.total; const version: number = organization.data.revision;\n  return { name, total, version };');
    expect(check(good)).toEqual([]);
    // The types are real: a name is not a number.
    expect(check(program('const wrong: number = organization.data.name;\n  return wrong;')).join('\n')).toContain("Type 'string' is not assignable to type 'number'");

    // And it works against the service: transpile both files and run the program.
    for (const name of ['Api', 'program']) {
      const source = ts.sys.readFile(join(dir, `${name}.ts`))!;
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText.replace("from './Api'", "from './Api.mjs'");
      writeFileSync(join(dir, `${name}.mjs`), js);
    }
    writeFileSync(join(dir, 'program.ts'), good);
    const js = ts.transpileModule(good, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText.replace("from './Api'", "from './Api.mjs'");
    writeFileSync(join(dir, 'program.mjs'), js);
    const { main } = (await import(pathToFileURL(join(dir, 'program.mjs')).href)) as { main: (b: string, e: string, p: string) => Promise<unknown> };
    expect(await main(baseUrl, SUPERADMIN.email, SUPERADMIN.password)).toEqual({ name: 'Generated Client School', total: 0, version: 0 });
    // Generating ~100 kB of client and type-checking it takes seconds on a busy machine.
  }, 60_000);
});
