import { describe, expect, test } from '@jest/globals';
import { ValidationFailed } from '../shared/domain-error.js';
import { checkPasswordPolicy } from './password-policy.js';

const common = new Set(['password1234', 'qwertyuiopas']);
const check = (password: string, email?: string) => () => checkPasswordPolicy(password, { email, isCommon: (p) => common.has(p) });
const reason = (password: string, email?: string) => {
  try {
    check(password, email)();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailed);
    return (error as ValidationFailed).details.errors?.[0]?.message ?? null;
  }
};

describe('Password policy (OWASP ASVS 5.0)', () => {
  test('at least 12 characters not counting spaces at either end, at most 128, counted as people count them', () => {
    expect(reason('short pass1')).toBe('password must be at least 12 characters, not counting spaces at either end');
    expect(reason('            ')).toBe('password must be at least 12 characters, not counting spaces at either end');
    expect(reason('ab'.repeat(65))).toBe('password must be at most 128 characters');
    expect(reason('🦆'.repeat(12))).toBeNull();
    expect(reason('a long enough passphrase')).toBeNull();
  });

  test('a common password or the email itself is refused, whatever its case', () => {
    expect(reason('PASSWORD1234')).toBe('password is on a list of common or breached passwords; choose another one');
    expect(reason('Ann.Lee@School.test', 'ann.lee@school.test')).toBe('password must not be your email address');
  });
});
