import { describe, expect, it } from 'vitest';
import { classifyColumn, classifyValue, isCardNumber, isChineseResidentId, isEmail, isIpAddress, isPersonName, isPhone, isStreetAddress } from './personal-data-classifier.ts';

describe('value classifiers', () => {
  it('emails', () => {
    expect(isEmail('ada@example.com')).toBe(true);
    expect(isEmail('not an email')).toBe(false);
    expect(isEmail('a@b')).toBe(false);
  });

  it('phones in E.164 and national form, validated for the region', () => {
    expect(isPhone('+8613800000001')).toBe(true);
    expect(isPhone('+86 138-0000-0001')).toBe(true);
    expect(isPhone('138 0000 0001')).toBe(true);
    expect(isPhone('+1 415 555 2671')).toBe(true);
    expect(isPhone('12345')).toBe(false);
    expect(isPhone('2024-01-01')).toBe(false);
  });

  it('Chinese resident ids with their MOD 11-2 check and birth date', () => {
    expect(isChineseResidentId('11010519491231002X')).toBe(true);
    expect(isChineseResidentId('110105194912310021')).toBe(false); // wrong check character
    expect(isChineseResidentId('11010519491331002X')).toBe(false); // month 13
    expect(isChineseResidentId('1101051949123100')).toBe(false);
  });

  it('card numbers by Luhn', () => {
    expect(isCardNumber('4111 1111 1111 1111')).toBe(true);
    expect(isCardNumber('5500-0000-0000-0004')).toBe(true);
    expect(isCardNumber('4111 1111 1111 1112')).toBe(false);
    expect(isCardNumber('0000000000000000')).toBe(false);
  });

  it('IP addresses, street addresses, person names', () => {
    expect(isIpAddress('203.0.113.7')).toBe(true);
    expect(isIpAddress('2001:db8::1')).toBe(true);
    expect(isIpAddress('300.1.1.1')).toBe(false);
    expect(isStreetAddress('221B Baker Street')).toBe(true);
    expect(isStreetAddress('Flat 1B, 1 Lovelace Lane')).toBe(true);
    expect(isStreetAddress('文三路 478 号')).toBe(true);
    expect(isStreetAddress('Hangzhou')).toBe(false);
    expect(isPersonName('Ada Lovelace')).toBe(true);
    expect(isPersonName("Mary-Jane O'Neil")).toBe(true);
    expect(isPersonName('张伟')).toBe(true);
    expect(isPersonName('pending')).toBe(false);
    expect(isPersonName('杭州')).toBe(false);
  });

  it('picks the most specific kind first', () => {
    expect(classifyValue('4111111111111111')).toBe('card_number');
    expect(classifyValue('11010519491231002X')).toBe('cn_resident_id');
    expect(classifyValue('/item/3')).toBeNull();
  });
});

describe('column verdicts', () => {
  it('by values, by name, and says why without repeating a value', () => {
    const byValue = classifyColumn('contact', ['ada@example.com', 'ben@example.com', '']);
    expect(byValue).toMatchObject({ personal: true, kind: 'email', identifier: 'email' });
    expect(byValue.why).toBe('2 of 2 sampled values look like email');
    expect(byValue.why).not.toContain('@');
    expect(classifyColumn('phone', [])).toMatchObject({ personal: true, kind: 'phone', identifier: 'phone' });
    expect(classifyColumn('user_ref', ['usr_1'])).toMatchObject({ personal: true, kind: 'identity' });
    expect(classifyColumn('body', ['hello there'])).toMatchObject({ personal: true, kind: 'free_text' });
    expect(classifyColumn('page', ['/item/1', '/item/2'])).toMatchObject({ personal: false });
    expect(classifyColumn('status', ['shipped'])).toMatchObject({ personal: false });
  });
});
