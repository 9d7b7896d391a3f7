import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  test('opens what it sealed, and never seals the same text the same way twice', () => {
    const box = SecretBox.fromKey(randomBytes(32));
    const a = box.seal('token-value');
    expect(a).not.toContain('token-value');
    expect(box.seal('token-value')).not.toBe(a);
    expect(box.open(a)).toBe('token-value');
  });

  test('refuses a tampered ciphertext and a foreign key', () => {
    const box = SecretBox.fromKey(randomBytes(32));
    const sealed = box.seal('token-value');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('forged').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => SecretBox.fromKey(randomBytes(32)).open(sealed)).toThrow();
  });

  test('without SECRETS_KEY it creates a private key file once and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'box-'));
    const keyFile = join(dir, 'secret.key');
    const sealed = SecretBox.load({ envKey: null, keyFile }).seal('x');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(SecretBox.load({ envKey: null, keyFile }).open(sealed)).toBe('x');
    expect(SecretBox.load({ envKey: readFileSync(keyFile, 'utf8'), keyFile: '/nonexistent' }).open(sealed)).toBe('x');
    rmSync(dir, { recursive: true });
  });
});
