import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventToAppend, RecordedEvent } from '#event-store';
import { SqliteKeyStore } from '#side-stores';
import { SecretBox } from '../secret-box.js';
import { isSealed, PersonalDataVault } from './vault.js';

/** Crypto-shredding (issue 20) on the embedded key store: sealing, opening, erasing. */
let dir: string;
let keys: SqliteKeyStore;
let vault: PersonalDataVault;
const box = SecretBox.fromKey(randomBytes(32));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vault-'));
  keys = new SqliteKeyStore(join(dir, 'keys.db'));
  vault = new PersonalDataVault(keys, box);
});
afterEach(async () => {
  await keys.close();
  rmSync(dir, { recursive: true, force: true });
});

const invitation = (userId: string, email: string): EventToAppend => ({
  id: randomUUID(),
  type: 'UserInvited',
  data: { organizationId: 'org', userId, email, firstName: 'Zelda', lastName: 'Quartermaine', roles: ['member'], setupTokenHash: 'h', setupTokenCiphertext: 'c', setupExpiresAt: 'x' },
  metadata: { actorId: 'admin-1', actorEmail: 'head@school.test', ip: '198.51.100.23', userAgent: 'Firefox', organizationId: 'org' },
});
const recorded = (event: EventToAppend, position = 1): RecordedEvent => ({ ...event, streamName: 's', revision: position - 1, position, recordedAt: '' });

describe('PersonalDataVault', () => {
  test('seals each personal value under its person\'s key and leaves ids, roles and the rest in clear', async () => {
    const userId = randomUUID();
    const event = invitation(userId, 'zelda@school.test');
    await vault.seal([event]);
    for (const value of [event.data.email, event.data.firstName, event.data.lastName, event.metadata.actorEmail, event.metadata.ip, event.metadata.userAgent]) expect(isSealed(value)).toBe(true);
    expect(JSON.stringify(event)).not.toMatch(/zelda|Quartermaine|198\.51\.100\.23|head@school/i);
    expect([event.data.userId, event.data.roles, event.data.setupTokenHash, event.metadata.actorId]).toEqual([userId, ['member'], 'h', 'admin-1']);
    // The values are keyed to whom they are about: the invited person, and the admin who acted.
    expect(String(event.data.email).split('|')[1]).toBe(userId);
    expect(String(event.metadata.ip).split('|')[1]).toMatch(/^h:/);
    const [opened] = await vault.open([recorded(event)]);
    expect(opened.data).toMatchObject({ email: 'zelda@school.test', firstName: 'Zelda', lastName: 'Quartermaine' });
    expect(opened.metadata).toMatchObject({ actorEmail: 'head@school.test', ip: '198.51.100.23', userAgent: 'Firefox' });
  });

  test('after an erasure the person\'s values read as erased, with their id; other people\'s still open', async () => {
    const [zelda, otto] = [randomUUID(), randomUUID()];
    const events = [invitation(zelda, 'zelda@school.test'), invitation(otto, 'otto@school.test')];
    await vault.seal(events);
    expect(await vault.erase([zelda], '2026-12-01T00:00:00.000Z')).toBe(1);
    // A fresh vault, as another process: nothing cached.
    const other = new PersonalDataVault(keys, box);
    const [a, b] = await other.open(events.map((e, i) => recorded(e, i + 1)));
    expect(a.data).toMatchObject({ userId: zelda, email: `erased-${zelda}@erased.invalid`, firstName: 'erased', lastName: 'erased' });
    expect(b.data).toMatchObject({ userId: otto, email: 'otto@school.test', firstName: 'Zelda' });
    // Nothing new is ever sealed under an erased person's key: it is written erased.
    const later = invitation(zelda, 'zelda@again.test');
    await other.seal([later]);
    expect(later.data.email).toBe(`erased-${zelda}@erased.invalid`);
    // And the key's bytes are in no file of the store any more.
    const sealedKey = (await keys.keysFor([otto])).get(otto)!;
    expect(sealedKey).toEqual(expect.any(String));
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file)).includes(Buffer.from('zelda'))).toBe(false);
  });

  test('the process that sealed a value reads it back without the key store; once it erases the person, as erased', async () => {
    const zelda = randomUUID();
    const event = invitation(zelda, 'zelda@school.test');
    await vault.seal([event]);
    let lookups = 0;
    const keysFor = keys.keysFor.bind(keys);
    keys.keysFor = (ids, make) => {
      lookups++;
      return keysFor(ids, make);
    };
    expect((await vault.open([recorded(event)], { metadata: false }))[0].data).toMatchObject({ email: 'zelda@school.test', firstName: 'Zelda' });
    expect(lookups).toBe(0);
    await vault.erase([zelda], '2026-12-01T00:00:00.000Z');
    expect((await vault.open([recorded(event)], { metadata: false }))[0].data).toMatchObject({ email: `erased-${zelda}@erased.invalid`, firstName: 'erased' });
  });

  test('erased by another process: a UserErased read drops the values sealed lately, so they read as erased', async () => {
    const zelda = randomUUID();
    const event = invitation(zelda, 'zelda@school.test');
    await vault.seal([event]);
    await new PersonalDataVault(keys, box).erase([zelda], '2026-12-01T00:00:00.000Z');
    const erased: RecordedEvent = { id: randomUUID(), type: 'UserErased', data: { organizationId: 'org', userId: zelda }, metadata: {}, streamName: 's', revision: 1, position: 2, recordedAt: '' };
    const [opened] = await vault.open([recorded(event), erased], { metadata: false });
    expect(opened.data).toMatchObject({ email: `erased-${zelda}@erased.invalid`, firstName: 'erased', lastName: 'erased' });
  });

  test('a sealed value moved under another person\'s key id does not open (the key id is authenticated)', async () => {
    const [zelda, otto] = [randomUUID(), randomUUID()];
    const events = [invitation(zelda, 'zelda@school.test'), invitation(otto, 'otto@school.test')];
    await vault.seal(events);
    const moved = String(events[0].data.email).replace(zelda, otto);
    const [opened] = await vault.open([recorded({ ...events[1], data: { ...events[1].data, email: moved } })]);
    expect(opened.data.email).toBe(`erased-${otto}@erased.invalid`);
  });

  test('openDeep opens sealed values anywhere in a read model\'s document', async () => {
    const userId = randomUUID();
    const event = invitation(userId, 'zelda@school.test');
    await vault.seal([event]);
    const entry = { actor: { email: event.metadata.actorEmail }, details: { email: event.data.email, roles: ['member'] }, changes: [{ field: 'firstName', before: event.data.firstName, after: 'x' }] };
    expect(await vault.openDeep(entry)).toEqual({ actor: { email: 'head@school.test' }, details: { email: 'zelda@school.test', roles: ['member'] }, changes: [{ field: 'firstName', before: 'Zelda', after: 'x' }] });
    await vault.erase([userId], 'now');
    expect((await vault.openDeep(entry)).details.email).toBe(`erased-${userId}@erased.invalid`);
  });

  test('a second process making the same person\'s key gets the one stored first', async () => {
    const userId = randomUUID();
    const second = new SqliteKeyStore(join(dir, 'keys.db'));
    const [a, b] = await Promise.all([keys.keysFor([userId], () => box.seal('a')), second.keysFor([userId], () => box.seal('b'))]);
    await second.close();
    expect(a.get(userId)).toBe(b.get(userId));
  });
});
