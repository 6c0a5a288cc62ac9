import { fileURLToPath } from 'node:url';
import { LOCALES, negotiateLocale, textDirection, type Locale } from '../domain/locales.ts';
import { zonedInstant } from '../domain/working-days.ts';
import { MessageCatalog, type DateStyle, type MessageValues } from '../i18n/catalog.ts';

export { LOCALES, type Locale };

/** Each feature keeps its messages in `locales/<feature>.<locale>.json`; staff-only ones in `staff.*`. */
export const NOTIFY_MESSAGES = MessageCatalog.fromDirectory(fileURLToPath(new URL('./locales', import.meta.url)));

/** The account's stored language (or any tag) as a supported locale. */
export const toLocale = (value: string | null | undefined): Locale => negotiateLocale(value);

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/;

/**
 * A job's values as the messages want them: an instant (`2026-10-23T15:59:59.999Z`, a deadline)
 * becomes a date shown to the minute in the buyer's zone; a bare calendar day (`2026-10-23`, as
 * jobs queued before instants carried) stays that day whatever the zone; the decision reason code
 * becomes its words in the buyer's language.
 */
function messageValues(locale: Locale, vars: Record<string, string | number>, timeZone: string): { values: MessageValues; style: DateStyle } {
  const values: MessageValues = {};
  let withTime = false;
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value === 'string' && INSTANT.test(value)) {
      values[name] = new Date(value);
      withTime = true;
    } else if (typeof value === 'string' && CALENDAR_DAY.test(value)) {
      values[name] = zonedInstant(value, { h: 12, m: 0, s: 0, ms: 0 }, timeZone);
    } else values[name] = value;
  }
  if (typeof vars.reasonCode === 'string' && NOTIFY_MESSAGES.has(locale, `decision_reasons.${vars.reasonCode}`)) {
    values.reason = NOTIFY_MESSAGES.format(locale, `decision_reasons.${vars.reasonCode}`);
  }
  return { values, style: { timeZone, withTime } };
}

export interface RenderInput {
  template: string;
  locale: Locale;
  /** First name only: mail carries no other personal data. */
  firstName?: string | null;
  antiPhishingCode?: string | null;
  vars?: Record<string, string | number>;
  /** IANA zone dates are shown in: the buyer's own, else the platform's. Default UTC. */
  timeZone?: string;
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
  const { locale } = input;
  const vars = input.vars ?? {};
  const { values, style } = messageValues(locale, vars, input.timeZone ?? 'UTC');
  const t = (key: string, args: MessageValues = {}) => NOTIFY_MESSAGES.format(locale, key, args, style);
  const key = input.template;
  const greeting = input.firstName ? t('common.greeting', { name: input.firstName }) : t('common.greetingNoName');
  // A reviewer's own words (free text, read from the encrypted application at send time) follow the
  // template as plain text in the buyer's language frame, escaped like every other line.
  const note = typeof vars.reviewerMessage === 'string' && vars.reviewerMessage ? t('common.reviewerMessage', { message: vars.reviewerMessage }) : null;
  const body = note ? `${t(`${key}.body`, values)}\n${note}` : t(`${key}.body`, values);
  const phishing = input.antiPhishingCode ? t('common.antiPhishing', { code: input.antiPhishingCode }) : t('common.noAntiPhishing');
  const link = input.linkPath ? platformLink(input.publicUrl, input.linkPath) : null;
  const action = link ? (NOTIFY_MESSAGES.has(locale, `${key}.action`) ? t(`${key}.action`, values) : link) : null;
  const origin = new URL(input.publicUrl).origin;
  const dir = textDirection(locale);

  const textParts = [phishing, '', greeting, '', body];
  if (link) textParts.push('', t('common.actionLine', { action: action!, link }), t('common.linkNote', { origin }));
  textParts.push('', t('common.signature'));

  // In a right-to-left mail, codes, links and origins stay left-to-right inside the sentence.
  const ltr = (s: string) => `<bdi dir="ltr">${escapeHtml(s)}</bdi>`;
  const isolate = (text: string, ...fragments: Array<string | null | undefined>) => {
    let html = escapeHtml(text);
    for (const fragment of fragments) if (fragment) html = html.split(escapeHtml(fragment)).join(ltr(fragment));
    return html;
  };
  const html = [
    `<!doctype html><html lang="${escapeHtml(locale)}" dir="${dir}"><body style="font-family:sans-serif;line-height:1.5;color:#1d2433">`,
    `<p style="background:#eef3ff;padding:8px 12px;border-radius:6px">${isolate(phishing, input.antiPhishingCode)}</p>`,
    `<p>${escapeHtml(greeting)}</p>`,
    ...body.split('\n').map((line) => `<p>${isolate(line, typeof vars.certificateId === 'string' ? vars.certificateId : null)}</p>`),
    link
      ? `<p><a href="${escapeHtml(link)}" style="background:#2952cc;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(action!)}</a></p><p style="font-size:12px;color:#5a6478">${isolate(t('common.linkNote', { origin }), origin)}</p>`
      : '',
    `<p>${escapeHtml(t('common.signature'))}</p>`,
    '</body></html>',
  ].join('');

  return { subject: t(`${key}.subject`, values), text: textParts.join('\n'), html };
}

/** How much of a reviewer's message a text message carries. */
const SMS_NOTE_MAX = 80;

/** Whether a template has a short text-message form (`<template>_sms`). */
export function hasSmsForm(template: string): boolean {
  return NOTIFY_MESSAGES.has('en', `${template}_sms.body`);
}

/** A text message: the template's short `_sms` form when it has one, else its body. */
export function renderSms(input: Omit<RenderInput, 'linkPath' | 'firstName'>): string {
  const { locale } = input;
  const key = hasSmsForm(input.template) ? `${input.template}_sms` : input.template;
  const vars = input.vars ?? {};
  const { values, style } = messageValues(locale, vars, input.timeZone ?? 'UTC');
  const t = (key: string, args: MessageValues = {}) => NOTIFY_MESSAGES.format(locale, key, args, style);
  const body = t(`${key}.body`, values);
  const text = input.antiPhishingCode ? t('common.smsPrefix', { code: input.antiPhishingCode, text: body }) : body;
  const message = typeof vars.reviewerMessage === 'string' ? vars.reviewerMessage.replace(/\s+/g, ' ').trim() : '';
  if (!message) return text;
  // A text message stays short: the reviewer's words, cut at a word where possible.
  const cut = message.length > SMS_NOTE_MAX ? `${message.slice(0, SMS_NOTE_MAX).replace(/\s+\S*$/, '')}…` : message;
  return `${text} ${t('common.reviewerMessageShort', { message: cut })}`;
}
