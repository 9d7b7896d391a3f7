import { ValidationFailed } from '../shared/domain-error.js';
import { lengthOf } from '../shared/validation.js';

/**
 * OWASP ASVS 5.0, chapter 6 (Authentication): at least 12 characters, at most 128
 * (longer passphrases are allowed by the standard, but 128 keeps argon2 input bounded),
 * no composition rules, and not a known common or breached password.
 */
export const PASSWORD_POLICY = { minLength: 12, maxLength: 128 } as const;

/**
 * Refuses a password the policy does not allow, with the reason a person can act on.
 * Which passwords are common is a list the application loads (zxcvbn-ts' breach
 * corpus); the rule is here.
 */
export function checkPasswordPolicy(password: string, context: { email?: string; isCommon: (lowerCased: string) => boolean; minLength?: number; field?: string }): void {
  const field = context.field ?? 'password';
  const trimmed = password.trim();
  const problems: { field: string; message: string }[] = [];
  // An organization may ask for more than the platform (its password policy), never less.
  const minLength = Math.max(PASSWORD_POLICY.minLength, context.minLength ?? 0);
  // Spaces count inside a passphrase, but twelve spaces are not a password.
  if (lengthOf(trimmed) < minLength)
    problems.push({ field, message: `password must be at least ${minLength} characters, not counting spaces at either end` });
  else if (lengthOf(password) > PASSWORD_POLICY.maxLength) problems.push({ field, message: `password must be at most ${PASSWORD_POLICY.maxLength} characters` });
  else if (context.isCommon(trimmed.toLowerCase()))
    problems.push({ field, message: 'password is on a list of common or breached passwords; choose another one' });
  else if (context.email && trimmed.toLowerCase() === context.email.trim().toLowerCase())
    problems.push({ field, message: 'password must not be your email address' });
  if (problems.length) throw new ValidationFailed('password-policy', problems);
}
