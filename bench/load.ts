/**
 * The load generator, run as its own process so it does not share the server's
 * event loop: autocannon with bounded duration, printing its result as JSON.
 * Usage: node dist/bench/load.js '<json options>'
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: string;
  headers?: Record<string, string>;
  /** A JSON body in which every {{n}} is replaced by a request counter, so each request differs. */
  bodyTemplate?: string;
  /** Requests per second offered in all; unset: as fast as the server answers. */
  overallRate?: number;
  /** A JSON file holding a list of bodies, sent in turn (too many and too large for the command line). */
  bodiesFile?: string;
}

const options = JSON.parse(process.argv[2]) as LoadOptions;
let counter = 0;
const bodies = options.bodiesFile ? (JSON.parse(readFileSync(options.bodiesFile, 'utf8')) as string[]) : null;
const instance = autocannon(
  {
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: (options.method ?? 'GET') as 'GET',
        headers: options.headers ?? {},
        setupRequest: (request) => {
          if (bodies) request.body = bodies[counter++ % bodies.length];
          else if (options.bodyTemplate) request.body = options.bodyTemplate.replaceAll('{{n}}', `${process.pid}-${counter++}`);
          return request;
        },
      },
    ],
  },
  (error, result) => {
    if (error) {
      process.stderr.write(String(error));
      process.exit(1);
    }
    const codes = result.statusCodeStats as unknown as Record<string, { count: number }>;
    process.stdout.write(
      JSON.stringify({
        requestsPerSecond: result.requests.average,
        total: result.requests.total,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes: Object.fromEntries(Object.entries(codes ?? {}).map(([code, s]) => [code, s.count])),
      }),
    );
  },
);
process.once('SIGINT', () => instance.stop());
