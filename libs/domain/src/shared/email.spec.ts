import { describe, expect, test } from '@jest/globals';
import { emailKey, sameEmailForLinking, storedEmail } from './email.js';

describe('One canonical form for email addresses', () => {
  test('twins share a key: the Kelvin sign, an NFD spelling, full-width letters, case', () => {
    const key = emailKey('kate@victim.test');
    expect(emailKey('\u212Aate@victim.test')).toBe(key);
    expect(emailKey('KATE@Victim.Test')).toBe(key);
    expect(emailKey('\uFF4B\uFF41\uFF54\uFF45@victim.test')).toBe(key); // ｋａｔｅ
    expect(emailKey('  kate@victim.test ')).toBe(key);
    expect(emailKey('rene\u0301@school.test')).toBe(emailKey('ren\u00e9@school.test'));
  });

  test('different people keep different keys', () => {
    expect(emailKey('kate@victim.test')).not.toBe(emailKey('kat@victim.test'));
    expect(emailKey('ren\u00e9@school.test')).not.toBe(emailKey('rene@school.test'));
  });

  test('stored as typed, composed', () => {
    expect(storedEmail(' Ren\u0065\u0301@School.test ')).toBe('Ren\u00e9@School.test');
  });

  test('SSO links by email only on an exact match but for ASCII case', () => {
    expect(sameEmailForLinking('Kate@Victim.test', 'kate@victim.test')).toBe(true);
    expect(sameEmailForLinking('\u212Aate@victim.test', 'kate@victim.test')).toBe(false);
    expect(sameEmailForLinking('\uFF4Bate@victim.test', 'kate@victim.test')).toBe(false);
    expect(sameEmailForLinking('rene\u0301@school.test', 'ren\u00e9@school.test')).toBe(false);
    expect(sameEmailForLinking('REN\u00c9@school.test', 'ren\u00e9@school.test')).toBe(false);
    expect(sameEmailForLinking('ren\u00e9@school.test', 'ren\u00e9@school.test')).toBe(true);
  });
});
