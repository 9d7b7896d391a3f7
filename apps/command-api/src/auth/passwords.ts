import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { checkPasswordPolicy as checkPolicy } from '#domain';
import { ProblemException } from '../shared/problem.js';

/**
 * argon2id with OWASP's minimum (m=19 MiB, t=2, p=1). `algorithm: 2` is Argon2id;
 * the library's enum is a const enum, which isolated modules cannot import.
 */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * zxcvbn-ts' list of common passwords (49,233 of them, from breach corpora), compared
 * case-insensitively. Loaded on first use: most processes check no password at all.
 */
let common: Set<string> | null = null;
const isCommonPassword = (lowerCased: string): boolean => (common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))).has(lowerCased);

/** The domain's password policy (access/password-policy.ts) with the common-password list. */
export function checkPasswordPolicy(password: string, context: { email?: string; minLength?: number; field?: string } = {}): void {
  checkPolicy(password, { ...context, isCommon: isCommonPassword });
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

/** 429 with Retry-After: the throttle refused an attempt at a password (sign-in, or the current password at a change). */
export const tooManyAttempts = (detail: string, retryAfterSeconds: number) =>
  new ProblemException('too-many-attempts', detail, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
