import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface BurstRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Sends requests truly at once: a connection is opened for each first, then every
 * request is written in the same tick. A client in the same process otherwise spaces
 * a burst out (supertest even opens a server per request), and the "racers" never race.
 * Answers come back in the order asked, as status and parsed JSON body.
 */
export async function burst(server: Server, requests: BurstRequest[]): Promise<{ status: number; body: Record<string, unknown> }[]> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const sockets = await Promise.all(requests.map(() => new Promise<Socket>((resolve) => { const s = connect(port, '127.0.0.1', () => resolve(s)); })));
  return Promise.all(
    sockets.map(
      (socket, i) =>
        new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
          const { method, path, headers = {}, body } = requests[i];
          const payload = body === undefined ? '' : JSON.stringify(body);
          const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
          if (payload) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`);
          const chunks: Buffer[] = [];
          socket.on('data', (chunk: Buffer) => chunks.push(chunk));
          socket.on('error', reject);
          socket.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]);
            const raw = text.slice(text.indexOf('\r\n\r\n') + 4);
            // Bodies may come chunked: take the JSON between the first { and the last }.
            const json = raw.slice(raw.indexOf('{'), raw.lastIndexOf('}') + 1);
            let parsed: Record<string, unknown> = {};
            try {
              parsed = json ? JSON.parse(json) : {};
            } catch {
              parsed = {};
            }
            resolve({ status, body: parsed });
          });
          socket.write(`${head.join('\r\n')}\r\n\r\n${payload}`);
        }),
    ),
  );
}
