import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { erasedValue, personalFieldsOf, type PersonalField } from '#domain';
import type { EventToAppend, RecordedEvent } from '#event-store';
import type { PersonalKeyStore } from '#side-stores';
import type { SecretBox } from '../secret-box.js';

/**
 * Crypto-shredding (issue 20). Personal values in events (personal-fields.ts lists them)
 * are sealed with AES-256-GCM under a key of the person they are about, before the hash
 * chain is computed: the chain covers the ciphertext, so it still verifies once a key is
 * destroyed. Reads open them again; a value whose key was destroyed reads as its erased
 * form. Events written before this existed hold their values in clear and read as they
 * are (tools/seal-log.ts copies such a log into a sealed one).
 *
 * A sealed value is one string: `pd1|<key id>|<iv>|<tag>|<ciphertext>` (base64url), the
 * plaintext being the value's JSON, and the key id bound to it as authenticated data.
 */
const PREFIX = 'pd1|';
/** Ids of this service (UUIDs), alone or after a prefix naming what they are: kept as they are. */
const PLAIN_ID = /^(?:[a-z-]+:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long a process trusts a key it has read: another process may destroy it meanwhile. */
const KEY_CACHE_MS = 60_000;
const CACHE_MAX = 100_000;

type Data = Record<string, unknown>;
type Cached = { key: Buffer | null; until: number };

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

export class PersonalDataVault {
  private readonly cache = new Map<string, Cached>();
  private readonly subjectKey: Buffer;

  constructor(
    private readonly keys: PersonalKeyStore,
    private readonly box: SecretBox,
  ) {
    this.subjectKey = box.derive('personal-data-subjects');
  }

  /**
   * The id a subject's key is stored under: the subject itself when it is an id of this
   * service, else an HMAC of it (an identity provider's subject or an email must not
   * appear in the key store or in the sealed values).
   */
  keyIdOf(subject: string): string {
    return PLAIN_ID.test(subject) ? subject : `h:${createHmac('sha256', this.subjectKey).update(subject).digest('base64url').slice(0, 32)}`;
  }

  /** Seals the personal values of events about to be appended, in place. */
  async seal(events: EventToAppend[]): Promise<void> {
    const plans = events.map((event) => ({ event, fields: personalFieldsOf(event).filter((f): f is PersonalField & { subject: string } => f.subject !== null) }));
    const keyIds = new Set<string>();
    for (const plan of plans) for (const field of plan.fields) keyIds.add(this.keyIdOf(field.subject));
    if (keyIds.size === 0) return;
    const keys = await this.keysOf([...keyIds], true);
    for (const { event, fields } of plans) {
      if (fields.length === 0) continue;
      // Copies along the paths written: the decided events' objects are shared with the state.
      event.data = { ...event.data };
      event.metadata = { ...event.metadata };
      for (const field of fields) {
        const keyId = this.keyIdOf(field.subject);
        const key = keys.get(keyId) ?? null;
        const root = field.in === 'data' ? event.data : event.metadata;
        const value = valueAtPath(root, field.path);
        // A person already erased: what would be written about them is written erased.
        setAtPath(root, field.path, key ? sealValue(key, keyId, value) : erasedValue(field.kind, keyId));
      }
    }
  }

  /** Events as their readers need them: every sealed value opened, or in its erased form. */
  async open(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const found = events.map((event) => ({ event, fields: personalFieldsOf(event).filter((f) => isSealed(valueAtPath(f.in === 'data' ? event.data : event.metadata, f.path))) }));
    const keyIds = new Set<string>();
    for (const { event, fields } of found)
      for (const field of fields) keyIds.add(keyIdIn(valueAtPath(field.in === 'data' ? event.data : event.metadata, field.path) as string));
    if (keyIds.size === 0) return events;
    const keys = await this.keysOf([...keyIds], false);
    return found.map(({ event, fields }) => {
      if (fields.length === 0) return event;
      const opened = { ...event, data: { ...event.data }, metadata: { ...event.metadata } };
      for (const field of fields) {
        const root = field.in === 'data' ? opened.data : opened.metadata;
        const sealed = valueAtPath(root, field.path) as string;
        const keyId = keyIdIn(sealed);
        const key = keys.get(keyId) ?? null;
        setAtPath(root, field.path, key ? openValue(key, sealed, field.kind) : erasedValue(field.kind, keyId));
      }
      return opened;
    });
  }

  /** Destroys the subjects' keys: what they sealed reads as erased from then on, everywhere. */
  async erase(subjects: readonly string[], at: string): Promise<number> {
    const keyIds = subjects.map((s) => this.keyIdOf(s));
    const destroyed = await this.keys.destroy(keyIds, at);
    for (const id of keyIds) this.cache.set(id, { key: null, until: Number.POSITIVE_INFINITY });
    return destroyed;
  }

  /** Forgets keys this process holds, so the next read asks the store (another process erased them). */
  forget(subjects: readonly string[]): void {
    for (const subject of subjects) this.cache.delete(this.keyIdOf(subject));
  }

  private async keysOf(keyIds: string[], create: boolean): Promise<Map<string, Buffer | null>> {
    const now = Date.now();
    const out = new Map<string, Buffer | null>();
    const ask: string[] = [];
    for (const id of keyIds) {
      const hit = this.cache.get(id);
      if (hit && hit.until > now) out.set(id, hit.key);
      else ask.push(id);
    }
    if (ask.length === 0) return out;
    const stored = await this.keys.keysFor(ask, create ? () => this.box.seal(randomBytes(32).toString('base64')) : undefined);
    if (this.cache.size + ask.length > CACHE_MAX) this.cache.clear();
    for (const id of ask) {
      const sealed = stored.get(id);
      // No row at all (a value sealed under a key this store never had): as good as destroyed.
      const key = sealed ? Buffer.from(this.box.open(sealed), 'base64') : null;
      out.set(id, key);
      this.cache.set(id, { key, until: key ? now + KEY_CACHE_MS : Number.POSITIVE_INFINITY });
    }
    return out;
  }
}

const keyIdIn = (sealed: string): string => sealed.split('|')[1] ?? '';

function sealValue(key: Buffer, keyId: string, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(keyId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `${PREFIX}${keyId}|${iv.toString('base64url')}|${cipher.getAuthTag().toString('base64url')}|${body.toString('base64url')}`;
}

/** The value, or its erased form when the ciphertext does not authenticate (damaged: the hash chain says where). */
function openValue(key: Buffer, sealed: string, kind: PersonalField['kind']): unknown {
  const [, keyId, iv, tag, body] = sealed.split('|');
  try {
    return decrypt(key, keyId, iv, tag, body);
  } catch {
    return erasedValue(kind, keyId);
  }
}

function decrypt(key: Buffer, keyId: string, iv: string, tag: string, body: string): unknown {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(keyId, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8'));
}

function valueAtPath(root: Data, path: readonly string[]): unknown {
  let value: unknown = root;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Data)[step];
  }
  return value;
}

/** Sets a value at a path, copying each object on the way (the root is already a copy). */
function setAtPath(root: Data, path: readonly string[], value: unknown): void {
  let node = root;
  for (const step of path.slice(0, -1)) {
    const next = { ...(node[step] as Data) };
    node[step] = next;
    node = next;
  }
  node[path[path.length - 1]] = value;
}
