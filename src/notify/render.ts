import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInstance, type TFunction } from 'i18next';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

const LOCALES_DIR = fileURLToPath(new URL('./locales', import.meta.url));

/** Each feature keeps its messages in `locales/<feature>.<locale>.json`; all are merged. */
function loadMessages(locale: Locale): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const file of readdirSync(LOCALES_DIR).sort()) {
    if (file.endsWith(`.${locale}.json`)) Object.assign(merged, JSON.parse(readFileSync(`${LOCALES_DIR}/${file}`, 'utf8')));
  }
  return merged;
}

const i18n = createInstance();
void i18n.init({
  resources: { en: { translation: loadMessages('en') }, 'zh-CN': { translation: loadMessages('zh-CN') } },
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  interpolation: { escapeValue: false },
});

/** The messages of one language, for texts other than mail that live with them (an export's README). */
export function translator(locale: Locale): TFunction {
  return i18n.getFixedT(locale);
}

export function toLocale(value: string | null | undefined): Locale {
  return value && value.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export interface RenderInput {
  template: string;
  locale: Locale;
  /** First name only: mail carries no other personal data. */
  firstName?: string | null;
  antiPhishingCode?: string | null;
  vars?: Record<string, string | number>;
  /** A path on `publicUrl`; the only kind of link a message may hold. */
  linkPath?: string;
  publicUrl: string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Builds a link that can only point at the platform's own origin. */
export function platformLink(publicUrl: string, path: string): string {
  const base = new URL(publicUrl);
  const url = new URL(path.startsWith('/') ? path : `/${path}`, base);
  if (url.origin !== base.origin) throw new Error('links must stay on publicUrl');
  return url.toString();
}

export function renderMessage(input: RenderInput): RenderedMessage {
  const t: TFunction = i18n.getFixedT(input.locale);
  const vars = input.vars ?? {};
  const key = input.template;
  const greeting = input.firstName ? t('common.greeting', { name: input.firstName }) : t('common.greetingNoName');
  // A reviewer's own words (free text, read from the encrypted application at send time) follow the
  // template as plain text in the buyer's language frame, escaped like every other line.
  const note = typeof vars.reviewerMessage === 'string' && vars.reviewerMessage ? t('common.reviewerMessage', { message: vars.reviewerMessage }) : null;
  const body = note ? `${t(`${key}.body`, vars)}\n${note}` : t(`${key}.body`, vars);
  const phishing = input.antiPhishingCode ? t('common.antiPhishing', { code: input.antiPhishingCode }) : t('common.noAntiPhishing');
  const link = input.linkPath ? platformLink(input.publicUrl, input.linkPath) : null;
  const action = link ? t(`${key}.action`, { ...vars, defaultValue: link }) : null;
  const origin = new URL(input.publicUrl).origin;

  const textParts = [phishing, '', greeting, '', body];
  if (link) textParts.push('', `${action}: ${link}`, t('common.linkNote', { origin }));
  textParts.push('', t('common.signature'));

  const html = [
    `<!doctype html><html lang="${escapeHtml(input.locale)}"><body style="font-family:sans-serif;line-height:1.5;color:#1d2433">`,
    `<p style="background:#eef3ff;padding:8px 12px;border-radius:6px">${escapeHtml(phishing)}</p>`,
    `<p>${escapeHtml(greeting)}</p>`,
    ...body.split('\n').map((line) => `<p>${escapeHtml(line)}</p>`),
    link
      ? `<p><a href="${escapeHtml(link)}" style="background:#2952cc;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(action!)}</a></p><p style="font-size:12px;color:#5a6478">${escapeHtml(t('common.linkNote', { origin }))}</p>`
      : '',
    `<p>${escapeHtml(t('common.signature'))}</p>`,
    '</body></html>',
  ].join('');

  return { subject: t(`${key}.subject`, vars), text: textParts.join('\n'), html };
}

/** How much of a reviewer's message a text message carries. */
const SMS_NOTE_MAX = 80;

/** Whether a template has a short text-message form (`<template>_sms`). */
export function hasSmsForm(template: string): boolean {
  return i18n.exists(`${template}_sms.body`, { lng: 'en' });
}

/** A text message: the template's short `_sms` form when it has one, else its body. */
export function renderSms(input: Omit<RenderInput, 'linkPath' | 'firstName'>): string {
  const t = i18n.getFixedT(input.locale);
  const key = i18n.exists(`${input.template}_sms.body`, { lng: input.locale }) ? `${input.template}_sms` : input.template;
  const prefix = input.antiPhishingCode ? `[${input.antiPhishingCode}] ` : '';
  const vars = input.vars ?? {};
  const text = prefix + t(`${key}.body`, vars);
  const message = typeof vars.reviewerMessage === 'string' ? vars.reviewerMessage.replace(/\s+/g, ' ').trim() : '';
  if (!message) return text;
  // A text message stays short: the reviewer's words, cut at a word where possible.
  const cut = message.length > SMS_NOTE_MAX ? `${message.slice(0, SMS_NOTE_MAX).replace(/\s+\S*$/, '')}…` : message;
  return `${text} ${t('common.reviewerMessageShort', { message: cut })}`;
}
