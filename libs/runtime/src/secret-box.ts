import { createCipheriv, createHmac, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gcmNonce } from './nonces.js';

/**
 * Authenticated encryption (AES-256-GCM) for the few secrets a reactor must read back
 * from the log, such as a setup token the mailer puts in a link. The key is kept
 * outside the log: SECRETS_KEY in production (shared by every replica), or a key file
 * created once under DATA_DIR in the embedded default.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error('The secrets key must be 32 bytes');
    return new SecretBox(key);
  }

  /** SECRETS_KEY (base64 or hex, 32 bytes) when given, else a key file made on first use. */
  static load(options: { envKey: string | null; keyFile: string }): SecretBox {
    if (options.envKey) {
      const raw = /^[0-9a-f]{64}$/i.test(options.envKey) ? Buffer.from(options.envKey, 'hex') : Buffer.from(options.envKey, 'base64');
      return SecretBox.fromKey(raw);
    }
    if (!existsSync(options.keyFile)) {
      // Processes starting together on one data directory (API processes beside a
      // projector) must end with one key: each writes its own file whole, then links it
      // into place, which fails for all but the first (a file is never seen half-written).
      mkdirSync(dirname(options.keyFile), { recursive: true });
      const draft = `${options.keyFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(draft, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      try {
        linkSync(draft, options.keyFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        unlinkSync(draft);
      }
    }
    chmodSync(options.keyFile, 0o600);
    return SecretBox.fromKey(Buffer.from(readFileSync(options.keyFile, 'utf8').trim(), 'base64'));
  }

  /** A key for another purpose, derived from this one (HMAC-SHA256 of its label): never the sealing key itself. */
  derive(label: string): Buffer {
    return createHmac('sha256', this.key).update(label).digest();
  }

  seal(plaintext: string): string {
    const iv = gcmNonce();
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown sealed format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
