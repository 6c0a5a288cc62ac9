import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone, normaliseEmail, normalisePhone, parseIdentifier } from './identifiers.ts';

describe('identifiers', () => {
  it('folds case and compatibility forms of emails into one', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normaliseEmail('ａｄａ@example.com')).toBe('ada@example.com');
    expect(normaliseEmail('not-an-email')).toBeNull();
  });

  it('normalises phones to E.164 and refuses numbers without a country code', () => {
    expect(normalisePhone('+86 138 0000 0001')).toBe('+8613800000001');
    expect(normalisePhone('13800000001')).toBeNull();
    expect(normalisePhone('+1 555')).toBeNull();
  });

  it('tells emails from phones', () => {
    expect(parseIdentifier('+86 (138) 0000-0001')).toEqual({ kind: 'phone', value: '+8613800000001' });
    expect(parseIdentifier('ADA@example.com')).toEqual({ kind: 'email', value: 'ada@example.com' });
    expect(parseIdentifier('nobody')).toBeNull();
  });

  it('masks contacts', () => {
    expect(maskEmail('ada@example.com')).toBe('ad***@example.com');
    expect(maskPhone('+8613800000001')).toBe('+86 138****0001');
  });
});
