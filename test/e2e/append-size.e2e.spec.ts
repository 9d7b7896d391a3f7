import { expect, test } from '@jest/globals';
import type { EventToAppend } from '#event-store';
import { burst } from '../support/burst.js';
import { startTestApp } from '../support/test-app.js';

const LIMIT = 8 * 1024;
const sizeOf = (events: EventToAppend[]) => events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata)) + e.type.length, 0);

test('a burst of commands on one organization is appended in parts under the maximum append size, and every command succeeds', async () => {
  const t = await startTestApp({ APPEND_MAX_BYTES: String(LIMIT) });
  try {
    const auth = await t.login();
    const orgId = (await t.http().post('/organizations').set('Authorization', auth).send({ name: 'Big Intake', timeZone: 'UTC' })).body.id as string;
    // The event store refuses an append over the limit, as EventStoreDB refuses one over its
    // maximum size, and takes 50 ms per append to the organization, as a remote server
    // might: commands queue up meanwhile and are decided together.
    const appends: { stream: string; events: number; bytes: number }[] = [];
    const store = t.infra.eventStore;
    const append = store.append.bind(store);
    store.append = async (stream, events, options) => {
      const bytes = sizeOf(events);
      appends.push({ stream, events: events.length, bytes });
      if (bytes > LIMIT) throw new Error(`Maximum append size exceeded: ${bytes} bytes`);
      if (stream.startsWith('organization-')) await new Promise((resolve) => setTimeout(resolve, 50));
      return append(stream, events, options);
    };
    const answers = await burst(
      t.app.getHttpServer() as import('node:http').Server,
      Array.from({ length: 40 }, (_, i) => ({
        method: 'POST',
        path: `/organizations/${orgId}/users`,
        headers: { Authorization: auth },
        body: { email: `intake${i}@school.test`, firstName: 'Intake', lastName: `Student ${i}`, roles: ['instructor'] },
      })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(201));
    const organization = appends.filter((a) => a.stream === `organization-${orgId}`);
    expect(organization.reduce((sum, a) => sum + a.events, 0)).toBe(40);
    // The commands were batched (some append carried several) and split (more than one append, none over the limit).
    expect(Math.max(...organization.map((a) => a.events))).toBeGreaterThan(1);
    expect(organization.length).toBeGreaterThan(1);
    expect(Math.max(...organization.map((a) => a.bytes))).toBeLessThanOrEqual(LIMIT);
  } finally {
    await t.close();
  }
});
