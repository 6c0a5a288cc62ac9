import { describe, expect, it } from 'vitest';
import { STAFF_LOCALES, textDirection } from '../domain/locales.ts';
import { LOCALES, NOTIFY_MESSAGES, renderMessage, renderSms } from './render.ts';

const base = { publicUrl: 'https://shop.example', antiPhishingCode: 'Kite7' } as const;

describe('a reviewer message in the buyer’s mail and text', () => {
  it('follows the template as plain text, escaped in HTML, in the buyer’s language', () => {
    const vars = { reasonCode: 'ID_UNREADABLE', guidance: 'Take a new photo.', reviewerMessage: 'Please upload a <b>sharper</b> photo & the back' };
    const en = renderMessage({ ...base, template: 'application_rejected', locale: 'en', vars, linkPath: '/account/cancel/status' });
    expect(en.text).toContain('Message from customer service: Please upload a <b>sharper</b> photo & the back');
    expect(en.html).toContain('Please upload a &#60;b&#62;sharper&#60;/b&#62; photo &#38; the back');
    expect(en.html).not.toContain('<b>sharper');
    const zh = renderMessage({ ...base, template: 'application_needs_info', locale: 'zh-CN', vars: { ...vars, reviewerMessage: '请上传证件背面' } });
    expect(zh.text).toContain('客服留言：请上传证件背面');
  });

  it('is cut short in a text message', () => {
    const long = 'Please upload a sharper photo of the front of your identity card, in daylight, without glare on the photo or the number.';
    const sms = renderSms({ ...base, template: 'application_rejected', locale: 'en', vars: { reasonCode: 'ID_UNREADABLE', reviewerMessage: long } });
    expect(sms.startsWith('[Kite7] ')).toBe(true);
    expect(sms).toContain('Customer service: “Please upload a sharper photo');
    expect(sms).toContain('…”');
    expect(sms).not.toContain('the number.');
    expect(renderSms({ ...base, template: 'application_rejected', locale: 'en', vars: { reasonCode: 'ID_UNREADABLE' } })).not.toContain('Customer service');
  });
});

describe('renderMessage', () => {
  it.each(LOCALES)('marks the HTML with the language of the message (%s)', (locale) => {
    const { html } = renderMessage({ template: 'password_changed', locale, publicUrl: 'https://adieu.example' });
    expect(html).toMatch(new RegExp(`^<!doctype html><html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`));
  });
});

/** Every template the service sends, from the English files: a subject (mail) or an `_sms` body. */
const TEMPLATES = [...new Set(Object.keys(NOTIFY_MESSAGES.raw('en')).map((k) => k.split('.')[0]))].filter(
  (name) => NOTIFY_MESSAGES.has('en', `${name}.subject`) && !['common', 'decision_reasons'].includes(name),
);
const STAFF_TEMPLATES = new Set(Object.keys(NOTIFY_MESSAGES.raw('en')).filter((k) => !NOTIFY_MESSAGES.raw('es')[k]).map((k) => k.split('.')[0]));
const VARS = { dueDate: '2026-10-23', expiresOn: '2026-11-09', erasureDate: '2026-11-02', reasonCode: 'ID_UNREADABLE', guidance: 'G.', count: 3, certificateId: 'cert_123', retainedYears: 3, code: '123456', link: 'https://shop.example/c' };

describe('every template in every language', () => {
  it('knows the templates', () => {
    expect(TEMPLATES).toEqual(expect.arrayContaining(['password_reset', 'application_received', 'application_rejected', 'erasure_certificate', 'sla_reminder']));
  });

  it.each(LOCALES)('renders mail and text messages in %s with the anti-phishing code', (locale) => {
    for (const template of TEMPLATES.filter((name) => STAFF_LOCALES.includes(locale) || !STAFF_TEMPLATES.has(name))) {
      const mail = renderMessage({ ...base, template, locale, firstName: 'Ada', vars: VARS, linkPath: '/account/cancel/status' });
      expect(mail.subject, template).toBeTruthy();
      expect(mail.text, template).toContain('Kite7');
      expect(mail.html, template).toContain('<bdi dir="ltr">Kite7</bdi>');
      expect(mail.html, template).toContain(`lang="${locale}" dir="${textDirection(locale)}"`);
      expect(mail.text, template).not.toMatch(/\{\w+\}|undefined|NaN/);
      // In the buyer's language, not English (except English itself and the shared brand words).
      if (locale !== 'en') expect(mail.subject, template).not.toBe(renderMessage({ ...base, template, locale: 'en', vars: VARS }).subject);
      const sms = renderSms({ ...base, template, locale, vars: VARS });
      expect(sms.startsWith('[Kite7] '), template).toBe(true);
    }
  });

  it('formats the deadline as a date of the reader’s language', () => {
    expect(renderMessage({ ...base, template: 'application_received', locale: 'de', vars: VARS }).text).toContain('23. Oktober 2026');
    expect(renderMessage({ ...base, template: 'application_received', locale: 'ja', vars: VARS }).text).toContain('2026年10月23日');
  });
});

describe('dates in the buyer’s time zone', () => {
  // 20:00 UTC on 10 March: still the 10th in Los Angeles, already the 11th in Shanghai.
  const deadline = '2026-03-10T20:00:00.000Z';
  const received = (locale: 'en' | 'zh-CN', timeZone: string) =>
    renderMessage({ ...base, template: 'application_received', locale, vars: { dueDate: deadline }, timeZone }).text;

  it('shows the same deadline on the buyer’s own day and hour', () => {
    const la = received('en', 'America/Los_Angeles');
    const shanghai = received('en', 'Asia/Shanghai');
    expect(la).toMatch(/March 10, 2026.*1:00\sPM PDT/);
    expect(shanghai).toMatch(/March 11, 2026.*4:00\sAM GMT\+8/);
    expect(received('zh-CN', 'Asia/Shanghai')).toContain('2026年3月11日');
    expect(received('zh-CN', 'America/Los_Angeles')).toContain('2026年3月10日');
  });

  it('shows it in text messages too', () => {
    const sms = (timeZone: string) => renderSms({ ...base, template: 'application_received', locale: 'en', vars: { dueDate: deadline }, timeZone });
    expect(sms('America/Los_Angeles')).toContain('Mar 10, 2026');
    expect(sms('Asia/Shanghai')).toContain('Mar 11, 2026');
  });

  it('keeps a bare calendar day on that day in every zone', () => {
    for (const timeZone of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Pacific/Pago_Pago']) {
      const text = renderMessage({ ...base, template: 'application_received', locale: 'en', vars: { dueDate: '2026-10-23' }, timeZone }).text;
      expect(text).toContain('October 23, 2026.');
    }
  });
});

describe('plural forms in Russian, Polish and Arabic', () => {
  const n = (locale: string, value: number) => new Intl.NumberFormat(locale).format(value);
  const open = (locale: 'ru' | 'pl' | 'ar', count: number) => renderMessage({ ...base, template: 'application_returned_to_review', locale, vars: { dueDate: '2026-10-23', count } }).text;
  it.each([
    ['ru', 0, 'Осталось незавершённое дело.'],
    ['ru', 1, `Осталось ${n('ru', 1)} незавершённое дело.`],
    ['ru', 2, `Осталось ${n('ru', 2)} незавершённых дела.`],
    ['ru', 5, `Осталось ${n('ru', 5)} незавершённых дел.`],
    ['ru', 21, `Осталось ${n('ru', 21)} незавершённое дело.`],
    ['pl', 0, 'Jest jeszcze coś otwartego.'],
    ['pl', 1, 'Została 1 otwarta sprawa.'],
    ['pl', 2, 'Zostały 2 otwarte sprawy.'],
    ['pl', 5, 'Zostało 5 otwartych spraw.'],
    ['pl', 21, 'Zostało 21 otwartych spraw.'],
    ['ar', 0, 'ما زال هناك أمر مفتوح.'],
    ['ar', 1, 'ما زال هناك أمر واحد مفتوح.'],
    ['ar', 2, 'ما زال هناك أمران مفتوحان.'],
    ['ar', 5, `ما زالت هناك ${n('ar', 5)} أمور مفتوحة.`],
    ['ar', 21, `ما زال هناك ${n('ar', 21)} أمرًا مفتوحًا.`],
  ] as const)('%s, %i things open', (locale, count, words) => {
    expect(open(locale, count)).toContain(words);
  });
});
