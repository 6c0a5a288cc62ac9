import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { textDirection } from '../../src/domain/locales.ts';
import { planExport } from '../../src/domain/export-datamap.ts';
import { readDataMap } from '../../src/erasure/datamap.ts';
import { tableTextKey } from '../../src/export/export-readme.ts';
import type { ExportManifest } from '../../src/export/export-manifest.ts';
import { NOTIFY_MESSAGES } from '../../src/notify/render.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import { unzip } from '../helpers/unzip.ts';
import { hasChromium, launchBrowser, newContext, shot, watchErrors } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';
import { actions } from './helpers/actions.ts';
import { seriousViolations, type AxeProblem } from './helpers/axe.ts';

type Lang = 'en' | 'zh-CN';

interface Buyer {
  email: string;
  password: string;
  antiPhishingCode: string;
}

/** A PostgreSQL database of this run when CI gives one (the server migrates and seeds it), else the embedded one. */
async function serverDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { env: {}, drop: async () => undefined };
  const name = `adieu_e2e_export_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    env: { DATABASE_URL: withDatabase(base, name) },
    async drop() {
      const again = new pg.Client({ connectionString: base });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await again.end();
    },
  };
}

/**
 * The right of access in a real browser, in both languages: the buyer asks for a copy of their
 * data (after confirming it is them), the job prepares it, the mailbox shows the "ready" mail, its
 * link leads through sign-in and a step-up to the download, and the ZIP holds a manifest signed
 * under the public certificate keys and a README in the buyer's language that opens in a browser.
 */
describe.skipIf(!hasChromium).sequential('the data export in the browser', () => {
  let server: RunningServer;
  let database: Awaited<ReturnType<typeof serverDatabase>>;
  let browser: Browser;
  let downloads: string;
  let current: Page | undefined;
  const errors: string[][] = [];
  const a11y: AxeProblem[] = [];
  const exportedTables = planExport(readDataMap()).map((t) => t.table);

  beforeAll(async () => {
    database = await serverDatabase();
    server = await startServer(database.env);
    expect(server.output()).toContain(`(${database.env.DATABASE_URL ? 'postgres' : 'embedded'} database, with worker)`);
    browser = await launchBrowser();
    downloads = mkdtempSync(join(tmpdir(), 'adieu-e2e-export-'));
  });

  // A failed step leaves a picture of what the browser showed.
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && current) await shot(current, 'export', `FAILED-${context.task.name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
    if (downloads) rmSync(downloads, { recursive: true, force: true });
  });

  /** The step-up inside the export card: the password once more. */
  async function stepUp(card: Locator, lang: Lang, password: string, submit = true) {
    const { t } = actions(card.page(), lang);
    await card.getByText(t('errors.REAUTH_REQUIRED')).waitFor();
    await card.getByLabel(t('auth.password'), { exact: true }).fill(password);
    if (submit) await card.getByRole('button', { name: t('reauth.submit'), exact: true }).click();
  }

  async function journey(lang: Lang, buyer: Buyer, start: 'wizard' | 'account') {
    const locale = lang === 'en' ? 'en-GB' : 'zh-CN';
    const mail = (key: string, values?: Record<string, string>) => NOTIFY_MESSAGES.format(lang, key, values);

    // 1. Signed in, with an anti-phishing code, the buyer asks for the copy where they are.
    const context = await newContext(browser, server.url, locale);
    const page = (current = await context.newPage());
    errors.push(watchErrors(page));
    const act = actions(page, lang);
    const { t } = act;
    await act.signInAndWait(buyer.email, buyer.password);
    await page.goto('/account/security');
    await page.getByLabel(t('security.antiPhishing.set')).fill(buyer.antiPhishingCode);
    await page.getByRole('button', { name: t('common.save') }).click();
    await page.getByText(t('security.antiPhishing.saved')).waitFor();

    const cardId = start === 'wizard' ? 'export-first' : 'exports';
    const card = page.locator(`#${cardId}`);
    if (start === 'wizard') {
      await page.goto('/account/cancel');
      await card.getByRole('heading', { level: 3, name: t('wizard.consequences.exportFirst'), exact: true }).waitFor();
    } else {
      await page.goto('/account');
      await card.getByRole('heading', { level: 2, name: t('export.title'), exact: true }).waitFor();
    }
    await card.getByRole('button', { name: t('export.request'), exact: true }).click();
    await stepUp(card, lang, buyer.password);
    // The in-process worker builds it; the card polls while it is being prepared.
    await card.locator('li[data-state="ready"]').waitFor({ timeout: 60_000 });
    await shot(page, 'export', `${lang}-01-ready-${start}`);
    // The pages around the card are checked whole by the journey tests.
    a11y.push(...(await seriousViolations(page, `${lang} export card (${start})`, `#${cardId}`)));

    // 2. The mail: the buyer's anti-phishing code, and links only to the platform's own address.
    const subject = mail('export_ready.subject');
    type Mail = { subject: string; text: string; html: string };
    const inbox = () => act.apiGet<Mail[]>(`/api/dev/mailbox?to=${encodeURIComponent(buyer.email)}`);
    await expect.poll(async () => (await inbox()).map((m) => m.subject), { timeout: 30_000 }).toContain(subject);
    const ready = (await inbox()).find((m) => m.subject === subject)!;
    const link = `${server.url}/account#exports`;
    expect(ready.text).toContain(mail('common.antiPhishing', { code: buyer.antiPhishingCode }));
    expect([...ready.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([link]);
    expect(ready.text.match(/https?:\/\/\S+/g)!.every((url) => url.startsWith(server.url))).toBe(true);
    await context.close();

    // 3. The link, followed in another browser: sign-in first, back to the card, a step-up, the file.
    const other = await newContext(browser, server.url, locale);
    const tab = (current = await other.newPage());
    errors.push(watchErrors(tab));
    await tab.goto('/dev/mailbox');
    await tab.getByLabel(t('dev.mailbox.to'), { exact: true }).fill(buyer.email);
    await tab.getByRole('button', { name: t('admin.filter'), exact: true }).click();
    const shown = tab.locator('details.mail', { hasText: subject }).first();
    await shown.waitFor();
    if ((await shown.getAttribute('open')) === null) await shown.locator('summary').click();
    await expect.poll(() => shown.getByText(buyer.antiPhishingCode).count()).toBeGreaterThan(0);
    // Every link shown is exactly a platform address: no sentence punctuation ("." or "。") in it.
    expect(await shown.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([link, server.url]);
    await shot(tab, 'export', `${lang}-02-mailbox`);
    a11y.push(...(await seriousViolations(tab, `${lang} mailbox`, 'details.mail[open]')));

    await shown.locator(`a[href="${link}"]`).click();
    await tab.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('next') === '/account#exports');
    await tab.getByLabel(t('auth.identifier'), { exact: true }).fill(buyer.email);
    await tab.getByLabel(t('auth.password'), { exact: true }).fill(buyer.password);
    await tab.getByRole('button', { name: t('auth.signIn.submit'), exact: true }).click();
    await tab.waitForURL((url) => url.pathname === '/account' && url.hash === '#exports');
    const exportsCard = tab.locator('#exports');
    await exportsCard.locator('li[data-state="ready"]').waitFor();
    // The card the mail pointed at is on screen, wherever it sits on the page.
    await expect
      .poll(() => exportsCard.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }))
      .toBe(true);
    await shot(tab, 'export', `${lang}-03-after-sign-in`);

    await exportsCard.getByTestId('export-download').first().click();
    await stepUp(exportsCard, lang, buyer.password, false);
    const downloading = tab.waitForEvent('download');
    await exportsCard.getByRole('button', { name: t('reauth.submit'), exact: true }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^data-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const zipPath = join(downloads, `${lang}.zip`);
    await download.saveAs(zipPath);

    // 4. The archive: the manifest verifies under the published keys and lists every file by hash.
    const files = await unzip(readFileSync(zipPath));
    const jwks = (await (await tab.request.get('/.well-known/adieu/certificate-keys')).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await compactVerify(files.get('manifest.jws')!.toString('utf8').trim(), createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
    expect(jwks.keys.map((k) => k.kid)).toContain(protectedHeader.kid);
    expect(Buffer.from(payload).equals(files.get('manifest.json')!)).toBe(true);
    const manifest = JSON.parse(Buffer.from(payload).toString('utf8')) as ExportManifest;
    for (const file of manifest.files) {
      expect(files.has(file.path), file.path).toBe(true);
      expect(createHash('sha256').update(files.get(file.path)!).digest('hex'), file.path).toBe(file.sha256);
    }
    expect(manifest.files.find((f) => f.path === 'stores/adieu/public.users.json')?.rows).toBe(1);
    expect(files.get('stores/adieu/public.users.json')!.toString('utf8')).toContain(buyer.email);
    expect(manifest.files.find((f) => f.path === 'stores/shop/shop.orders.json')?.rows).toBeGreaterThan(0);
    await other.close();

    // 5. README.html, opened from the disk: the buyer's language, its direction, every table explained.
    const readmePath = join(downloads, `README-${lang}.html`);
    writeFileSync(readmePath, files.get('README.html')!);
    const readerContext = await newContext(browser, server.url, locale);
    const reader = (current = await readerContext.newPage());
    errors.push(watchErrors(reader));
    await reader.goto(pathToFileURL(readmePath).href);
    expect(await reader.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([lang, textDirection(lang)]);
    expect(await reader.title()).toBe(mail('export_readme.title'));
    expect(await reader.locator('h1').allInnerTexts()).toEqual([mail('export_readme.title')]);
    expect(await reader.locator('h2').allInnerTexts()).toEqual([mail('export_readme.proofTitle'), mail('export_readme.filesTitle'), mail('export_readme.documentsTitle')]);
    expect(await reader.locator('section h3').allInnerTexts()).toEqual(exportedTables);
    const descriptions = await reader.locator('section').evaluateAll((sections) => sections.map((s) => s.querySelector('h3 + p')?.textContent ?? ''));
    expect(descriptions).toEqual(exportedTables.map((table) => mail(tableTextKey(table))));
    if (lang !== 'en') expect(await reader.locator('body').innerText()).not.toContain(NOTIFY_MESSAGES.format('en', 'export_readme.formats'));
    await shot(reader, 'export', `${lang}-04-readme`);
    a11y.push(...(await seriousViolations(reader, `${lang} README.html`)));
    await readerContext.close();
  }

  it('an English buyer downloads their data from the first step of the cancellation wizard', async () => {
    await journey('en', { email: 'ada@example.com', password: 'demo-password-1', antiPhishingCode: 'Kite42Sky' }, 'wizard');
  });

  it('a Chinese buyer downloads their data from the account center, with the README in Chinese', async () => {
    await journey('zh-CN', { email: 'cai@example.com', password: 'demo-password-1', antiPhishingCode: 'Lotus88' }, 'account');
  });

  it('had no serious accessibility violations and no page errors', () => {
    expect(a11y, JSON.stringify(a11y, null, 2)).toEqual([]);
    expect(errors.flat()).toEqual([]);
  });
});
