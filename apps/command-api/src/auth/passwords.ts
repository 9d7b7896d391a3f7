import { hash, verify } from '@node-rs/argon2';
import { ValidationFailed } from '../../../../libs/domain/src/index.js';

/**
 * argon2id with OWASP's minimum (m=19 MiB, t=2, p=1). `algorithm: 2` is Argon2id;
 * the library's enum is a const enum, which isolated modules cannot import.
 */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_POLICY = { minLength: 12, maxLength: 256 } as const;

export function checkPasswordPolicy(password: string, context: { email?: string } = {}): void {
  const length = [...password].length;
  const problems: { field: string; message: string }[] = [];
  if (length < PASSWORD_POLICY.minLength) problems.push({ field: 'password', message: `password must be at least ${PASSWORD_POLICY.minLength} characters` });
  if (length > PASSWORD_POLICY.maxLength) problems.push({ field: 'password', message: `password must be at most ${PASSWORD_POLICY.maxLength} characters` });
  if (context.email && password.trim().toLowerCase() === context.email.trim().toLowerCase())
    problems.push({ field: 'password', message: 'password must not be your email address' });
  if (problems.length) throw new ValidationFailed('password-policy', problems);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS as never);
}

// Verified against when the email is unknown, so both failures take the same time.
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('dummy password that never matches');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
