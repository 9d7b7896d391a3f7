import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { erasedValue, personalFieldsOf, valueAt, type PersonalField, type PersonalKind } from '#domain';
import type { EventToAppend, RecordedEvent } from '#event-store';
import type { PersonalKeyStore } from '#side-stores';
import { gcmNonce } from '../nonces.js';
import type { SecretBox } from '../secret-box.js';

/**
 * Crypto-shredding (issue 20). Personal values in events (personal-fields.ts lists them)
 * are sealed with AES-256-GCM under a key of the person they are about, before the hash
 * chain is computed: the chain covers the ciphertext, so it still verifies once a key is
 * destroyed. Reads open them again; a value whose key was destroyed reads as its erased
 * form. Events written before this existed hold their values in clear and read as they
 * are (tools/seal-log.ts copies such a log into a sealed one).
 *
 * A sealed value is one string: `pd1|<key id>|<kind>|<iv>|<tag>|<ciphertext>` (base64url),
 * the plaintext being the value's JSON, with the key id and kind bound to it as
 * authenticated data. It says everything needed to open it or to write its erased form,
 * so a read model may keep values sealed and open them when it answers (the audit log
 * does: an erasure then needs nothing of it).
 */
const PREFIX = 'pd1|';
const KIND_CODES: Record<PersonalKind, string> = { email: 'e', name: 'n', text: 't', ip: 'i', identifier: 'd', agent: 'a', contact: 'c' };
const KINDS = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as PersonalKind]));
/** Ids of this service (UUIDs), alone or after a prefix naming what they are: kept as they are. */
const PLAIN_ID = /^(?:[a-z-]+:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long a process trusts a key it has read: another process may destroy it meanwhile. */
const KEY_CACHE_MS = 60_000;
const CACHE_MAX = 100_000;
/**
 * Values this process sealed lately, by their sealed form: its own processors (the
 * projector, the mail reactor) read them back moments later, and need not decrypt what
 * was in clear here a moment ago. Kept as long as a key is (another process may destroy
 * it), and dropped with the keys at an erasure.
 */
const RECENT_MAX = 20_000;
/** A person's key, and around it at most a retention month's. */
const MAX_LAYERS = 2;

type Data = Record<string, unknown>;
type Cached = { key: Buffer | null; until: number };

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

export class PersonalDataVault {
  private readonly cache = new Map<string, Cached>();
  private readonly recent = new Map<string, { value: string | number | boolean; until: number }>();
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

  /**
   * Seals the personal values of events about to be appended, in place. `onlyClear`: leaves
   * values already sealed as they are (copying a log that is partly sealed, tools/seal-log.ts);
   * the write side seals every value, whatever it looks like.
   */
  async seal(events: EventToAppend[], options: { onlyClear?: boolean } = {}): Promise<void> {
    const plans = events.map((event) => ({
      event,
      fields: personalFieldsOf(event).filter(
        (f): f is PersonalField & { subject: string } => f.subject !== null && !(options.onlyClear && isSealed(valueAt(f.in === 'data' ? event.data : event.metadata, f.path))),
      ),
    }));
    const keyIds = new Set<string>();
    for (const plan of plans)
      for (const field of plan.fields) {
        keyIds.add(this.keyIdOf(field.subject));
        if (field.bucket) keyIds.add(this.keyIdOf(field.bucket));
      }
    if (keyIds.size === 0) return;
    const keys = await this.keysOf([...keyIds], true);
    // One value sealed once per call: a batch's events share their actor's email, address
    // and browser (500 rows of an import, one admin). The same plaintext under the same key
    // gets the same ciphertext, which is safe for GCM (its nonce must not be reused for
    // *another* plaintext) and tells only what the ids beside it tell already.
    const sealedOnce = new Map<string, string>();
    for (const { event, fields } of plans) {
      if (fields.length === 0) continue;
      // Copies along the paths written: the decided events' objects are shared with the state.
      event.data = { ...event.data };
      event.metadata = { ...event.metadata };
      for (const field of fields) {
        const keyId = this.keyIdOf(field.subject);
        const key = keys.get(keyId) ?? null;
        const root = field.in === 'data' ? event.data : event.metadata;
        const value = valueAt(root, field.path);
        if (!key) {
          // A person already erased: what would be written about them is written erased.
          setAtPath(root, field.path, erasedValue(field.kind, keyId));
          continue;
        }
        const memo = `${keyId}|${field.kind}|${JSON.stringify(value)}`;
        let sealed = sealedOnce.get(memo);
        if (sealed === undefined) {
          sealedOnce.set(memo, (sealed = sealValue(key, keyId, field.kind, value)));
          this.remember(sealed, value);
        }
        if (field.bucket) {
          // Sealed again under the month's key (retention): either key's destruction erases it.
          const bucketId = this.keyIdOf(field.bucket);
          const bucketKey = keys.get(bucketId) ?? null;
          const inner = sealed;
          sealed = bucketKey ? sealValue(bucketKey, bucketId, field.kind, inner) : (erasedValue(field.kind, bucketId) as string);
          if (bucketKey) this.remember(sealed, inner);
        }
        setAtPath(root, field.path, sealed);
      }
    }
  }

  /**
   * Events as their readers need them: every sealed value opened, or in its erased form.
   * `metadata: false`: the actor's email, address and browser stay sealed, for readers that
   * never read them (the projections, the setup mail), which spares most of the work.
   */
  async open(events: RecordedEvent[], options: { metadata?: boolean; only?: (event: RecordedEvent) => boolean } = {}): Promise<RecordedEvent[]> {
    // Someone was erased (maybe by another process): keys this one holds may be destroyed now.
    if (events.some((event) => event.type === 'UserErased')) this.forgetKeys();
    const withMetadata = options.metadata ?? true;
    const found = events.map((event) => ({
      event,
      fields: (options.only && !options.only(event) ? [] : personalFieldsOf(event)).filter((f) => (withMetadata || f.in === 'data') && isSealed(valueAt(f.in === 'data' ? event.data : event.metadata, f.path))),
    }));
    if (found.every(({ fields }) => fields.length === 0)) return events;
    const opened = found.map(({ event, fields }) => ({ fields, event: fields.length === 0 ? event : { ...event, data: { ...event.data }, metadata: { ...event.metadata } } }));
    // A value sealed twice (a retention month around a person) opens in two rounds.
    for (let round = 0; round < MAX_LAYERS; round++) {
      const sealedValues: { root: Data; path: readonly string[]; sealed: string }[] = [];
      for (const { event, fields } of opened)
        for (const field of fields) {
          const root = field.in === 'data' ? event.data : event.metadata;
          const value = valueAt(root, field.path);
          if (isSealed(value)) sealedValues.push({ root, path: field.path, sealed: value });
        }
      if (sealedValues.length === 0) break;
      const now = Date.now();
      const openedOnce = new Map<string, unknown>();
      for (const { sealed } of sealedValues) {
        const hit = this.recent.get(sealed);
        if (hit && hit.until > now) openedOnce.set(sealed, hit.value);
      }
      const keys = await this.keysOf([...new Set(sealedValues.filter((v) => !openedOnce.has(v.sealed)).map((v) => keyIdIn(v.sealed)))], false);
      // A value sealed once (sealedOnce in seal) is opened once.
      for (const { root, path, sealed } of sealedValues) {
        if (!openedOnce.has(sealed)) openedOnce.set(sealed, openWith(keys, sealed));
        setAtPath(root, path, openedOnce.get(sealed));
      }
    }
    return opened.map(({ event }) => event);
  }

  /**
   * A value with sealed strings anywhere inside (an audit entry) with each opened or in
   * its erased form; the value given is not changed.
   */
  async openDeep<T>(value: T): Promise<T> {
    let current: unknown = value;
    for (let round = 0; round < MAX_LAYERS; round++) {
      const keyIds = new Set<string>();
      walk(current, (sealed) => void keyIds.add(keyIdIn(sealed)));
      if (keyIds.size === 0) break;
      const keys = await this.keysOf([...keyIds], false);
      current = replaceDeep(current, (sealed) => openWith(keys, sealed));
    }
    return current as T;
  }

  /** The subjects that have a key, not destroyed (whose records a retention month holds, say). */
  async withKeys(subjects: readonly string[]): Promise<Set<string>> {
    if (subjects.length === 0) return new Set();
    const stored = await this.keys.keysFor(subjects.map((s) => this.keyIdOf(s)));
    return new Set(subjects.filter((s) => typeof stored.get(this.keyIdOf(s)) === 'string'));
  }

  /** Destroys the subjects' keys: what they sealed reads as erased from then on, everywhere. */
  async erase(subjects: readonly string[], at: string): Promise<number> {
    const keyIds = subjects.map((s) => this.keyIdOf(s));
    const destroyed = await this.keys.destroy(keyIds, at);
    this.recent.clear();
    for (const id of keyIds) this.cache.set(id, { key: null, until: Number.POSITIVE_INFINITY });
    return destroyed;
  }

  /** Someone was erased, maybe by another process: every key held, and every value sealed lately, is read again. */
  private forgetKeys(): void {
    this.cache.clear();
    this.recent.clear();
  }

  /** A value just sealed here, for this process's readers (RECENT_MAX); objects are not kept (readers get their own copies). */
  private remember(sealed: string, value: unknown): void {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return;
    // Dropped whole when full: deleting the oldest one by one leaves V8's map holes to skip (measured: seal's own time went from 1.2% to 7.1% of an import).
    if (this.recent.size >= RECENT_MAX) this.recent.clear();
    this.recent.set(sealed, { value, until: Date.now() + KEY_CACHE_MS });
  }

  private async keysOf(keyIds: string[], create: boolean): Promise<Map<string, Buffer | null>> {
    if (keyIds.length === 0) return new Map();
    const now = Date.now();
    const out = new Map<string, Buffer | null>();
    const ask: string[] = [];
    for (const id of keyIds) {
      const hit = this.cache.get(id);
      if (hit && hit.until > now) out.set(id, hit.key);
      else ask.push(id);
    }
    if (ask.length === 0) return out;
    // Keys this call makes are kept in clear beside their sealed form, so they are not opened
    // again; a process that lost the race to make one opens the key stored first.
    const made = new Map<string, Buffer>();
    const make = () => {
      const key = randomBytes(32);
      const sealed = this.box.seal(key.toString('base64'));
      made.set(sealed, key);
      return sealed;
    };
    const stored = await this.keys.keysFor(ask, create ? make : undefined);
    if (this.cache.size + ask.length > CACHE_MAX) this.cache.clear();
    for (const id of ask) {
      const sealed = stored.get(id);
      // No row at all (a value sealed under a key this store never had): as good as destroyed.
      const key = sealed ? (made.get(sealed) ?? Buffer.from(this.box.open(sealed), 'base64')) : null;
      out.set(id, key);
      this.cache.set(id, { key, until: key ? now + KEY_CACHE_MS : Number.POSITIVE_INFINITY });
    }
    return out;
  }
}

const keyIdIn = (sealed: string): string => sealed.split('|')[1] ?? '';
const aad = (keyId: string, code: string) => Buffer.from(`${keyId}|${code}`, 'utf8');

function sealValue(key: Buffer, keyId: string, kind: PersonalKind, value: unknown): string {
  const iv = gcmNonce();
  const code = KIND_CODES[kind];
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(keyId, code));
  // GCM is a stream mode: update gives the ciphertext, and final (which computes the tag) gives nothing more; no copy then.
  const head = cipher.update(JSON.stringify(value), 'utf8');
  const tail = cipher.final();
  const body = tail.length === 0 ? head : Buffer.concat([head, tail]);
  return `${PREFIX}${keyId}|${code}|${iv.toString('base64url')}|${cipher.getAuthTag().toString('base64url')}|${body.toString('base64url')}`;
}

/**
 * The value a sealed string holds, or its erased form: when its key is destroyed, or when
 * the ciphertext does not authenticate (damaged: the hash chain says where).
 */
function openWith(keys: ReadonlyMap<string, Buffer | null>, sealed: string): unknown {
  const [, keyId = '', code = '', iv = '', tag = '', body = ''] = sealed.split('|');
  const kind = KINDS.get(code) ?? 'text';
  const key = keys.get(keyId);
  if (!key) return erasedValue(kind, keyId);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(keyId, code));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8'));
  } catch {
    return erasedValue(kind, keyId);
  }
}

function walk(value: unknown, found: (sealed: string) => void): void {
  if (isSealed(value)) found(value);
  else if (Array.isArray(value)) for (const item of value) walk(item, found);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) walk(item, found);
}

/** A copy with each sealed string replaced; parts with none are shared, not copied. */
function replaceDeep(value: unknown, open: (sealed: string) => unknown): unknown {
  if (isSealed(value)) return open(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => replaceDeep(item, open));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value !== null && typeof value === 'object') {
    let copy: Data | null = null;
    for (const [key, item] of Object.entries(value)) {
      const replaced = replaceDeep(item, open);
      if (replaced !== item) (copy ??= { ...(value as Data) })[key] = replaced;
    }
    return copy ?? value;
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
