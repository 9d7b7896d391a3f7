import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { ValidationFailed } from '#domain';

/**
 * argon2id with OWASP's minimum (m=19 MiB, t=2, p=1). `algorithm: 2` is Argon2id;
 * the library's enum is a const enum, which isolated modules cannot import.
 */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * OWASP ASVS 5.0, chapter 6 (Authentication): at least 12 characters, at most 128
 * (longer passphrases are allowed by the standard, but 128 keeps argon2 input bounded),
 * no composition rules, and not a known common or breached password.
 */
export const PASSWORD_POLICY = { minLength: 12, maxLength: 128 } as const;

/**
 * zxcvbn-ts' list of common passwords (49,233 of them, from breach corpora), compared
 * case-insensitively. Loaded on first use: most processes check no password at all.
 */
let common: Set<string> | null = null;
const commonPasswords = (): Set<string> => (common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));

/** Code points, not UTF-16 units: an emoji is one character to the person typing it. */
const lengthOf = (text: string) => [...text].length;

export function checkPasswordPolicy(password: string, context: { email?: string } = {}): void {
  const trimmed = password.trim();
  const problems: { field: string; message: string }[] = [];
  // Spaces count inside a passphrase, but twelve spaces are not a password.
  if (lengthOf(trimmed) < PASSWORD_POLICY.minLength)
    problems.push({ field: 'password', message: `password must be at least ${PASSWORD_POLICY.minLength} characters, not counting spaces at either end` });
  else if (lengthOf(password) > PASSWORD_POLICY.maxLength) problems.push({ field: 'password', message: `password must be at most ${PASSWORD_POLICY.maxLength} characters` });
  else if (commonPasswords().has(trimmed.toLowerCase()))
    problems.push({ field: 'password', message: 'password is on a list of common or breached passwords; choose another one' });
  else if (context.email && trimmed.toLowerCase() === context.email.trim().toLowerCase())
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
