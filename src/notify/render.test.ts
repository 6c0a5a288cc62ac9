import { describe, expect, it } from 'vitest';
import { LOCALES, renderMessage } from './render.ts';

describe('renderMessage', () => {
  it.each(LOCALES)('marks the HTML with the language of the message (%s)', (locale) => {
    const { html } = renderMessage({ template: 'password_changed', locale, publicUrl: 'https://adieu.example' });
    expect(html).toMatch(new RegExp(`^<!doctype html><html lang="${locale}">`));
  });
});
