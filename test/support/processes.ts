import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const API_MAIN = resolve('dist/apps/command-api/src/main.js');
export const PROJECTOR_MAIN = resolve('dist/apps/projector/src/main.js');

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** What it wrote to stderr so far (its warnings and errors, with LOG_LEVEL=warn). */
  stderr(): string;
  /** kill -9, and waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts a built app (`npm test` builds first) as its own OS process, exactly as
 * `npm start` or `npm run start:projector` would, and waits until its health endpoint
 * answers: /health for the command API, the projector's own port for the projector.
 */
export async function startProcess(main: string, port: number, env: Record<string, string>, options: { healthPath?: string; timeoutMs?: number } = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  // A process killed with SIGKILL resets its end of the pipe: expected, not a failure.
  child.stderr!.on('error', () => {});
  const url = `http://127.0.0.1:${port}`;
  const started: ServiceProcess = {
    child,
    port,
    url,
    stderr: () => stderr,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${main} exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`${url}${options.healthPath ?? '/health'}`).then((r) => r.ok).catch(() => false);
    if (ok) return started;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${main} did not become healthy: ${stderr}`);
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** One request to a running process, JSON in and out; redirects are answers, not followed. */
export async function request(base: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiAnswer> {
  const response = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, headers: response.headers, body };
}
