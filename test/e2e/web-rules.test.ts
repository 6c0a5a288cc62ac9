import { describe, expect, it } from 'vitest';
import { check, identifierSchema, reasonSchema, resetSchema, secondFactorSchema, signUpSchema, antiPhishingSchema } from '../../web/src/lib/schemas.ts';
import { rectFromPoints, redactionsForCrop, clampRect } from '../../web/src/pages/cancel/maskGeometry.ts';
import { formatMoney } from '../../web/src/lib/format.ts';
import { safeNext } from '../../web/src/pages/auth/safeNext.ts';
import { splitLinks } from '../../web/src/lib/text-links.ts';

/** The web UI's pure rules (no browser needed): form checks, mask geometry, money. */
describe('web form rules mirror the API', () => {
  it('accepts emails and E.164 phones as identifiers', () => {
    expect(check(identifierSchema, ' ada@example.com ').ok).toBe(true);
    expect(check(identifierSchema, '+86 138 0000 0001').ok).toBe(true);
    expect(check(identifierSchema, '13800000001')).toEqual({ ok: false, errors: { _: 'validation.identifier' } });
    expect(check(identifierSchema, '')).toEqual({ ok: false, errors: { _: 'validation.required' } });
  });

  it('sign-up needs a contact, a 12+ character password, and matching confirmation', () => {
    const result = check(signUpSchema, { displayName: 'Ada', email: '', phone: '', password: 'short', confirm: 'other' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toMatchObject({ email: 'validation.emailOrPhone', password: 'validation.passwordShort', confirm: 'validation.mismatch' });
    expect(check(signUpSchema, { displayName: 'Ada', email: 'a@b.cd', phone: '', password: 'correct horse battery', confirm: 'correct horse battery' }).ok).toBe(true);
  });

  it('counts password length in characters, not UTF-16 units', () => {
    expect(check(resetSchema, { token: 't', password: '密码密码密码密码密码密码', confirm: '密码密码密码密码密码密码' }).ok).toBe(true);
    expect(check(resetSchema, { token: 't', password: '😀😀😀😀😀😀', confirm: '😀😀😀😀😀😀' }).ok).toBe(false);
  });

  it('second factor: 6 digits or a recovery code', () => {
    expect(check(secondFactorSchema, '123 456').ok).toBe(true);
    expect(check(secondFactorSchema, 'abcde-12345').ok).toBe(true);
    expect(check(secondFactorSchema, '12345').ok).toBe(false);
  });

  it('anti-phishing code: 4–20 letters or digits in any script', () => {
    expect(check(antiPhishingSchema, '蓝色海洋42').ok).toBe(true);
    expect(check(antiPhishingSchema, 'a b').ok).toBe(false);
  });

  it('a reason is required; "Other" needs words', () => {
    expect(check(reasonSchema, { reasonCode: '', reasonText: '' })).toEqual({ ok: false, errors: { reasonCode: 'validation.chooseReason' } });
    expect(check(reasonSchema, { reasonCode: 'OTHER', reasonText: ' ' })).toEqual({ ok: false, errors: { reasonText: 'validation.reasonOther' } });
    expect(check(reasonSchema, { reasonCode: 'PRIVACY_CONCERN', reasonText: '' }).ok).toBe(true);
  });
});

describe('mask geometry', () => {
  it('normalises a rectangle dragged in any direction', () => {
    expect(rectFromPoints({ x: 50, y: 40 }, { x: 10, y: 100 })).toEqual({ x: 10, y: 40, width: 40, height: 60 });
  });

  it('moves masks into the crop, rounds outwards and drops masks outside it', () => {
    const crop = { x: 100, y: 100, width: 200, height: 100 };
    expect(redactionsForCrop([{ x: 90.5, y: 120.2, width: 50, height: 10.1 }, { x: 0, y: 0, width: 50, height: 50 }], crop)).toEqual([{ x: 0, y: 20, width: 41, height: 11 }]);
  });

  it('keeps a moved mask inside the image', () => {
    expect(clampRect({ x: -20, y: 90, width: 50, height: 50 }, 100, 100)).toEqual({ x: 0, y: 90, width: 50, height: 10 });
  });
});

describe('money', () => {
  it('formats minor units with the currency’s own digits, per language', () => {
    expect(formatMoney('en', { value: 12345, currency: 'CNY' })).toBe('CN¥123.45');
    expect(formatMoney('zh-CN', { value: 12345, currency: 'CNY' })).toBe('¥123.45');
    expect(formatMoney('en', { value: 500, currency: 'JPY' })).toBe('¥500');
  });
});

describe('sign-in next=', () => {
  it('keeps same-site paths and refuses everything that could leave the site', () => {
    expect(safeNext('/account/security?tab=1#totp')).toBe('/account/security?tab=1#totp');
    for (const unsafe of ['//evil.test/', '/\\evil.test', '/\t/evil.test/', '/\n/evil.test/', '/\r/evil.test/', '/ /x', 'https://evil.test/', 'account', '', null]) {
      expect(safeNext(unsafe), String(unsafe)).toBeNull();
    }
  });
});

describe('links in a text mail', () => {
  it('leave the sentence’s closing punctuation outside the link, in English and Chinese', () => {
    expect(splitLinks('This link only ever leads to http://127.0.0.1:3000.')).toEqual([
      { text: 'This link only ever leads to ' },
      { text: 'http://127.0.0.1:3000', href: 'http://127.0.0.1:3000' },
      { text: '.' },
    ]);
    expect(splitLinks('此链接只会指向 http://127.0.0.1:3000。')).toEqual([
      { text: '此链接只会指向 ' },
      { text: 'http://127.0.0.1:3000', href: 'http://127.0.0.1:3000' },
      { text: '。' },
    ]);
    expect(splitLinks('下载您的数据：http://shop.example/account#exports\n谢谢')).toEqual([
      { text: '下载您的数据：' },
      { text: 'http://shop.example/account#exports', href: 'http://shop.example/account#exports' },
      { text: '\n谢谢' },
    ]);
    expect(splitLinks('no link here')).toEqual([{ text: 'no link here' }]);
  });
});
