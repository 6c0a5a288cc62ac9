import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** Debian's Chromium, headless, with nothing that reaches the network on its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser profile speaking `locale` (the UI follows the browser's language). */
export async function newContext(browser: Browser, baseURL: string, locale: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, locale, viewport, timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Saves a full-page screenshot as `screenshots/<group>/<name>.png`. */
export async function shot(page: Page, group: string, name: string): Promise<void> {
  const path = join(SCREENSHOTS, group, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}

/** Collects uncaught page errors, so a test can assert the UI never crashed. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
