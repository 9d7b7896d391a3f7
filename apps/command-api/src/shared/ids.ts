import { createHash, randomUUID } from 'node:crypto';

/**
 * Name-based UUID (version 5, RFC 9562). Event and organization ids derived from an
 * Idempotency-Key this way are the same on every retry, which is what makes a
 * retried command land on the same stream and append nothing new.
 */
export function uuidV5(name: string, namespace = '7f1e3d5c-6a0b-4c8e-9f2d-1b3a5c7e9d0f'): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const newId = (): string => randomUUID();

export const sha256Hex = (value: string | Buffer): string => createHash('sha256').update(value).digest('hex');

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
