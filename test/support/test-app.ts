import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App as SupertestApp } from 'supertest/types.js';
import { createApp } from '../../apps/command-api/src/app.js';
import { loadConfig } from '../../apps/command-api/src/config.js';
import { createInfrastructure, type Infrastructure } from '../../apps/command-api/src/infrastructure.js';
import { createLogger } from '../../apps/command-api/src/shared/logger.js';
import type { NestExpressApplication } from '@nestjs/platform-express';

export const SUPERADMIN = { email: 'root@platform.test', password: 'super-admin-password-1' };

export interface TestApp {
  app: NestExpressApplication;
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
 * The real embedded service (SQLite file, mingo, projector in process) on a fresh
 * data directory, driven over HTTP by supertest.
 */
export async function startTestApp(env: Record<string, string | undefined> = {}, dataDir?: string, options: { logLines?: string[] } = {}): Promise<TestApp> {
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
  const infra = await createInfrastructure(config, createLogger(config.logLevel, destination));
  const { app, setupLink } = await createApp(infra);
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

/** Minimal valid images, recognised by their signatures. */
export const IMAGES = {
  png: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a5c40000000049454e44ae426082', 'hex'),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]),
  webp: Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.alloc(14)]),
  bmp: Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]),
  tiff: Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0]), Buffer.alloc(16)]),
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
