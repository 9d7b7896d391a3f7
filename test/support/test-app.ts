import { afterAll, beforeAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App as SupertestApp } from 'supertest/types.js';
import { createApp } from '../../apps/command-api/src/app.js';
import { loadConfig } from '#runtime';
import { createInfrastructure, type Infrastructure, type Stores } from '#runtime';
import { createLogger } from '#runtime';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export const SUPERADMIN = { email: 'root@platform.test', password: 'super-admin-password-1' };

export interface TestApp {
  app: NestFastifyApplication;
  infra: Infrastructure;
  server: SupertestApp;
  http: () => ReturnType<typeof request>;
  dataDir: string;
  setupLink: string | null;
  /** Signs in and returns "Bearer <token>". */
  login(email?: string, password?: string): Promise<string>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * The real embedded service (SQLite files, projector in process) on a fresh
 * data directory, driven over HTTP by supertest.
 */
export async function startTestApp(env: Record<string, string | undefined> = {}, dataDir?: string, options: { logLines?: string[]; wrap?: (stores: Stores) => Stores } = {}): Promise<TestApp> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'org-service-'));
  const config = loadConfig({
    DATA_DIR: dir,
    SUPERADMIN_EMAIL: SUPERADMIN.email,
    SUPERADMIN_PASSWORD: SUPERADMIN.password,
    LOG_LEVEL: 'silent',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    ...env,
  });
  // With `logLines`, every line the service logs is kept there (a test searches them).
  const sink = options.logLines;
  const destination = sink ? { write: (line: string) => void sink.push(line) } : undefined;
  const infra = await createInfrastructure(config, createLogger(config.logLevel, destination), { wrap: options.wrap });
  // A start that fails half-way must not leave the stores open: Jest would wait on them.
  const { app, setupLink } = await createApp(infra).catch(async (error: unknown) => {
    await infra.close();
    throw error;
  });
  const server = app.getHttpServer();
  const testApp: TestApp = {
    app,
    infra,
    server,
    http: () => request(server),
    dataDir: dir,
    setupLink,
    async login(email = SUPERADMIN.email, password = SUPERADMIN.password) {
      const response = await request(server).post('/auth/login').send({ email, password });
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
      return `Bearer ${response.body.accessToken}`;
    },
    async close(options = {}) {
      await app.close();
      await infra.close();
      if (!options.keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
  return testApp;
}

/**
 * Small real images (2 x 2 pixels), one per format the guide lists, made with sharp and
 * bmp-ts: uploads are decoded, so a signature alone no longer passes. `gif` is a real
 * format the guide does not list.
 */
export const IMAGES = {
  png: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVQImWM4IWdzQs6GAUIBACH2BIkFu4vdAAAAAElFTkSuQmCC', 'base64'),
  jpeg: Buffer.from(
    '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAACAAIDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABQf/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCEAHq+/9k=',
    'base64',
  ),
  webp: Buffer.from('UklGRh4AAABXRUJQVlA4TBEAAAAvAUAAAAdQjyKXp/+BiOh/AAA=', 'base64'),
  bmp: Buffer.from('Qk1IAAAAAAAAADYAAAAoAAAAAgAAAAIAAAABABgAAAAAABIAAAAAAAAAAAAAAAAAAAAAAAAA////////AQH///////8BAQEB', 'base64'),
  tiff: Buffer.from(
    'SUkqABQAAADIHjzIHjzIHjzIHjwPAAABAwABAAAAAgAAAAEBAwABAAAAAgAAAAIBAwADAAAA3gAAAAMBAwABAAAAAQAAAAYBAwABAAAAAgAAABEBBAABAAAACAAAABIBAwABAAAAAQAAABUBAwABAAAAAwAAABYBAwABAAAAAAEAABcBBAABAAAADAAAABoBBQABAAAAzgAAABsBBQABAAAA1gAAABwBAwABAAAAAQAAACgBAwABAAAAAgAAAFMBAwADAAAA5AAAAAAAAAAzM8sAAAAIADMzywAAAAgACAAIAAgAAQABAAEA',
    'base64',
  ),
  gif: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
};

/**
 * Keeps the headers and body of every response the app sends from now on, for tests
 * that search everything the service said (for example for a secret).
 */
export function recordResponses(t: TestApp): string[] {
  const seen: string[] = [];
  (t.app.getHttpServer() as import('node:http').Server).on('request', (_req: unknown, res: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => unknown;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
      seen.push(`${JSON.stringify(res.getHeaders())}\n${Buffer.concat(chunks).toString('utf8')}`);
      return end(chunk, ...rest);
    }) as typeof res.end;
  });
  return seen;
}

/** A supertest body parser that keeps the bytes (images): `.buffer(true).parse(binary)`. */
export const binary = ((res: import('node:stream').Readable, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}) as never;

/**
 * The service a test file shares: started before its tests with the super admin signed
 * in, closed after them. `use` receives both (the file keeps them in its own variables)
 * and may prepare more (an organization the tests share).
 */
export function withTestApp(use: (app: TestApp, root: string) => unknown, env: Record<string, string | undefined> = {}): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(env);
    await use(app, await app.login());
  });
  afterAll(async () => {
    await app?.close();
  });
}
