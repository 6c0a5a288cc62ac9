import type { Page } from 'playwright-core';
import { translator, type Lang } from './i18n.ts';

/** What a person does, in either language: the labels come from the UI's own translation files. */
export function actions(page: Page, lang: Lang) {
  const t = translator(lang);
  return {
    t,
    async signIn(identifier: string, password: string) {
      await page.goto('/sign-in');
      await page.getByLabel(t('auth.identifier'), { exact: true }).fill(identifier);
      await page.getByLabel(t('auth.password'), { exact: true }).fill(password);
      await page.getByRole('button', { name: t('auth.signIn.submit'), exact: true }).click();
    },
    async signInAndWait(identifier: string, password: string) {
      await this.signIn(identifier, password);
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    },
    async signOut() {
      const button = page.getByRole('button', { name: t('nav.signOut'), exact: true });
      if (await button.isVisible()) {
        await button.click();
        await page.waitForURL((url) => url.pathname.startsWith('/sign-in'));
      }
    },
    /** The API with the page's cookies (for setup and checks, never to replace a UI step under test). */
    async apiGet<T>(path: string): Promise<T> {
      const response = await page.request.get(path);
      if (!response.ok()) throw new Error(`GET ${path} → ${response.status()} ${await response.text()}`);
      return (await response.json()) as T;
    },
  };
}
