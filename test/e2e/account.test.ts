import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { authenticator } from 'otplib';
import { hasChromium, launchBrowser, newContext, shot, watchErrors } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';
import { actions } from './helpers/actions.ts';
import { seriousViolations, type AxeProblem } from './helpers/axe.ts';
import { translator } from './helpers/i18n.ts';
import { makeIdPhoto } from './helpers/id-photo.ts';

const GRACE = { name: 'Grace Hopper', email: 'grace@example.com', password: 'compiler nanosecond cobol 1952' };
const NEW_PASSWORD = 'harvard mark one bug log 1947';

/**
 * The account side in a real browser: sign up, the security center (anti-phishing code, sessions,
 * two-step verification with a QR code and recovery codes), sign-in with a second factor, password
 * reset through the emailed link, switching language, keyboard use and a phone-sized screen.
 */
describe.skipIf(!hasChromium).sequential('account pages', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const a11y: AxeProblem[] = [];
  const act = () => actions(page, 'en');
  const t = translator('en');
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await newContext(browser, server.url, 'en-GB');
    page = await context.newPage();
    errors = watchErrors(page);
  });

  // A failed step leaves a picture of what the browser showed.
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && page) await shot(page, 'account', `FAILED-${context.task.name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('the skip link is the first stop of the keyboard', async () => {
    // A page without an autofocused field, so the first Tab starts at the top.
    await page.goto('/no-such-page');
    await page.getByRole('heading', { level: 1, name: t('notFound.title') }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(t('nav.skip'));
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('validates sign-up in the browser, then creates the account', async () => {
    await page.goto('/sign-up');
    await page.getByRole('button', { name: t('auth.signUp.submit') }).click();
    await page.getByText(t('validation.emailOrPhone')).waitFor();
    await page.getByText(t('validation.passwordShort')).waitFor();
    await a11yCheck('sign-up with errors');
    await shot(page, 'account', '01-sign-up-errors');

    await page.getByLabel(t('fields.displayName'), { exact: true }).fill(GRACE.name);
    await page.getByLabel(t('fields.email'), { exact: true }).fill(GRACE.email);
    await page.getByLabel(t('fields.password'), { exact: true }).fill(GRACE.password);
    await page.getByLabel(t('auth.confirmPassword'), { exact: true }).fill(GRACE.password);
    await page.getByRole('button', { name: t('auth.signUp.submit') }).click();
    await page.waitForURL(/\/account$/);
    await page.getByRole('heading', { level: 1, name: t('account.home.title', { name: GRACE.name }) }).waitFor();
    await shot(page, 'account', '02-new-account-home');
    await a11yCheck('account home (new)');
  });

  it('sets an anti-phishing code and lists the signed-in devices', async () => {
    await page.getByRole('link', { name: t('account.home.securityLink') }).click();
    await page.waitForURL(/\/account\/security$/);
    await page.getByLabel(t('security.antiPhishing.set')).fill('Blue42Ocean');
    await page.getByRole('button', { name: t('common.save') }).click();
    await page.getByText(t('security.antiPhishing.saved')).waitFor();
    await page.locator('code.phish-code', { hasText: 'Blue42Ocean' }).waitFor();
    await page.getByText(t('security.sessions.current')).waitFor();
    // "Cancel account" is one click from here too.
    await page.getByRole('link', { name: t('account.cancelAccount'), exact: true }).waitFor();
  });

  it('turns on two-step verification with the QR code and keeps the recovery codes', async () => {
    await page.getByRole('button', { name: t('security.totp.turnOn') }).click();
    // A step-up first: the password once more.
    await page.getByText(t('security.totp.stepUp')).waitFor();
    await page.getByLabel(t('auth.password'), { exact: true }).fill(GRACE.password);
    await page.getByRole('button', { name: t('reauth.submit'), exact: true }).click();
    await page.getByRole('img', { name: t('security.totp.qrAlt') }).waitFor();
    const secret = (await page.locator('code.secret').innerText()).trim();
    await shot(page, 'account', '03-totp-setup');
    await a11yCheck('totp setup');
    await page.getByLabel(t('security.totp.firstCode')).fill(authenticator.generate(secret));
    await page.getByRole('button', { name: t('security.totp.confirm'), exact: true }).click();
    await page.getByText(t('security.totp.recoveryTitle')).waitFor();
    recoveryCodes = await page.locator('ul.codes code').allInnerTexts();
    expect(recoveryCodes).toHaveLength(10);
    await shot(page, 'account', '04-recovery-codes');
    await a11yCheck('security center');
  });

  it('asks for the second factor at sign-in (a recovery code works)', async () => {
    await act().signOut();
    await act().signIn(GRACE.email, GRACE.password);
    await page.getByText(t('auth.totp.title')).waitFor();
    await shot(page, 'account', '05-totp-prompt');
    await a11yCheck('totp prompt');
    await page.getByLabel(t('auth.totp.code'), { exact: true }).fill(recoveryCodes[0]);
    await page.getByRole('button', { name: t('auth.totp.verify') }).click();
    await page.waitForURL(/\/account$/);
  });

  it('resets the password through the emailed link', async () => {
    await act().signOut();
    await page.getByRole('link', { name: t('auth.signIn.forgot') }).click();
    // The sign-in page has a field with the same label: fill only once the reset page is shown.
    await page.getByRole('heading', { level: 1, name: t('auth.forgot.title') }).waitFor();
    await page.getByLabel(t('auth.identifier'), { exact: true }).fill(GRACE.email);
    await page.getByRole('button', { name: t('auth.forgot.submit') }).click();
    await page.getByText(t('auth.forgot.sentTitle')).waitFor();

    await page.goto('/dev/mailbox');
    const link = page.locator('a[href*="/reset-password#token="]').first();
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    await shot(page, 'account', '06-dev-mailbox');
    await page.goto(href.replace(/^https?:\/\/[^/]+/, ''));
    await page.getByRole('heading', { level: 1, name: t('auth.reset.title') }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await page.getByLabel(t('auth.reset.newPassword'), { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel(t('auth.confirmPassword'), { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: t('auth.reset.submit') }).click();
    await page.getByText(t('auth.reset.doneTitle')).waitFor();

    await act().signIn(GRACE.email, NEW_PASSWORD);
    await page.getByLabel(t('auth.totp.code'), { exact: true }).fill(recoveryCodes[1]);
    await page.getByRole('button', { name: t('auth.totp.verify') }).click();
    await page.waitForURL(/\/account$/);
  });

  it('switches to Simplified Chinese and remembers it', async () => {
    const zh = translator('zh-CN');
    await page.getByRole('combobox', { name: t('nav.language') }).selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: zh('account.home.title', { name: GRACE.name }) }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: zh('account.home.title', { name: GRACE.name }) }).waitFor();
    await shot(page, 'account', '07-home-zh-CN');
    await page.getByRole('combobox', { name: zh('nav.language') }).selectOption('en');
    await page.getByRole('heading', { level: 1, name: t('account.home.title', { name: GRACE.name }) }).waitFor();
  });

  it('a blocked buyer follows a blocker to its order, settles it, and the checklist updates', async () => {
    await act().signOut();
    await act().signInAndWait('ben@example.com', 'demo-password-1');
    await page.goto('/account/cancel');
    await page.getByLabel(t('wizard.consequences.understood'), { exact: true }).check();
    await page.getByRole('button', { name: t('common.continue'), exact: true }).click();
    const blocker = page.locator('[data-code="PENDING_ORDERS"]');
    const before = await blocker.locator('.checklist-title').innerText();
    await blocker.getByRole('link').click();
    await page.waitForURL(/\/account\/orders\?status=pending$/);
    await page.getByRole('button', { name: t('shop.confirmReceipt') }).first().click();
    await page.getByRole('button', { name: t('shop.confirmReceipt') }).waitFor({ state: 'detached' });
    await shot(page, 'account', '08-orders-settled');
    await a11yCheck('orders');
    await page.getByRole('link', { name: t('shop.returnLink') }).click();
    await page.waitForURL(/\/account\/cancel$/);
    await page.getByRole('button', { name: t('wizard.checklist.recheck') }).click();
    await expect.poll(() => page.locator('[data-code="PENDING_ORDERS"] .checklist-title').innerText()).not.toBe(before);
  });

  it('a buyer withdraws an open request after confirming in a dialog', async () => {
    await act().signOut();
    await act().signInAndWait('ada@example.com', 'demo-password-1');
    // Set-up through the API (the wizard itself is walked in journey.test.ts).
    const csrf = async () => ((await (await page.request.get('/api/auth/session')).json()) as { csrfToken: string }).csrfToken;
    expect((await page.request.post('/api/auth/reauth', { data: { password: 'demo-password-1' }, headers: { 'x-csrf-token': await csrf() } })).status()).toBe(200);
    const upload = await page.request.post('/api/cancellation/documents', {
      multipart: { kind: 'id_front', file: { name: 'id.png', mimeType: 'image/png', buffer: await makeIdPhoto() } },
      headers: { 'x-csrf-token': await csrf() },
    });
    expect(upload.status()).toBe(201);
    const { documentId } = (await upload.json()) as { documentId: string };
    const submitted = await page.request.post('/api/cancellation', {
      data: { reasonCode: 'NO_LONGER_USE', documentIds: [documentId], acknowledge: true },
      headers: { 'x-csrf-token': await csrf(), 'idempotency-key': 'e2e-withdraw-1' },
    });
    expect(submitted.status()).toBe(201);

    await page.goto('/account');
    await page.getByRole('link', { name: t('account.home.viewRequest') }).click();
    await page.getByTestId('withdraw').click();
    const dialog = page.getByRole('dialog', { name: t('status.page.withdrawConfirmTitle') });
    await dialog.waitFor();
    await shot(page, 'account', '09-withdraw-dialog');
    await a11yCheck('withdraw dialog');
    await dialog.getByRole('button', { name: t('status.page.withdraw') }).click();
    await page.locator('[data-testid="status-summary"][data-status="withdrawn"]').waitFor();
    // Withdrawn: the account stays, and "Cancel account" is offered again on the home page.
    await page.goto('/account');
    await page.getByRole('link', { name: t('account.cancelAccount'), exact: true }).waitFor();
  });

  it('signs in to a safe next= path, and falls back to the account page for an unsafe one', async () => {
    const tab = await (await newContext(browser, server.url, 'en-GB')).newPage();
    for (const [next, expected] of [
      ['/account/security', '/account/security'],
      ['/%09/evil.test/', '/account'],
      ['/%0a/evil.test/', '/account'],
      ['/%0d/evil.test/', '/account'],
      ['//evil.test/', '/account'],
    ] as const) {
      await tab.context().clearCookies();
      await tab.goto(`/sign-in?next=${next}`);
      await tab.getByLabel(t('auth.identifier'), { exact: true }).fill('ben@example.com');
      await tab.getByLabel(t('auth.password'), { exact: true }).fill('demo-password-1');
      await tab.getByRole('button', { name: t('auth.signIn.submit'), exact: true }).click();
      await tab.waitForURL((url) => url.pathname === expected && url.origin === new URL(server.url).origin);
      await tab.getByRole('heading', { level: 1 }).waitFor();
    }
    await tab.context().close();
  });

  it('fits a phone screen', async () => {
    const phone = await newContext(browser, server.url, 'en-GB', { width: 390, height: 844 });
    const small = await phone.newPage();
    const smallAct = actions(small, 'en');
    await smallAct.signInAndWait('ben@example.com', 'demo-password-1');
    for (const [path, name] of [
      ['/account', '10-phone-account'],
      ['/account/security', '11-phone-security'],
      ['/account/cancel', '12-phone-wizard'],
      ['/account/orders?status=pending', '13-phone-orders'],
    ] as const) {
      await small.goto(path);
      await small.getByRole('heading', { level: 1 }).waitFor();
      await small.waitForLoadState('networkidle');
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
      await shot(small, 'account', name);
      a11y.push(...(await seriousViolations(small, `phone ${path}`)));
    }
    await phone.close();
  });

  it('had no serious accessibility violations and no page errors', () => {
    expect(a11y, JSON.stringify(a11y, null, 2)).toEqual([]);
    expect(errors).toEqual([]);
  });

  async function a11yCheck(label: string) {
    a11y.push(...(await seriousViolations(page, label)));
  }
});
