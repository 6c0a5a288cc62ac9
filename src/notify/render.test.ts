import { describe, expect, it } from 'vitest';
import { LOCALES, renderMessage, renderSms } from './render.ts';

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
