import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasChromium, launchBrowser, newContext, shot, watchErrors } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';
import { translator } from './helpers/i18n.ts';
import { startDemoIdp, type DemoIdp } from '../../src/identity/demo-idp.ts';
import { createServer as createHttpServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The provider's development login form (any password), then its consent form when it asks. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.waitForLoadState();
  if (await page.locator('input[name="prompt"][value="consent"]').count()) await page.locator('button[type="submit"]').click();
}

/** A buyer Adieu has never seen signs in with the platform's OpenID Provider, then steps up through it. */
describe.skipIf(!hasChromium).sequential('sign in with the platform (OpenID Connect)', () => {
  let idp: DemoIdp;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let jwks: Server;
  let platformKey: CryptoKey;
  const configDir = mkdtempSync(join(tmpdir(), 'adieu-e2e-idp-'));
  const t = translator('en');

  beforeAll(async () => {
    const port = await freePort();
    idp = await startDemoIdp({ adieuUrl: `http://127.0.0.1:${port}`, accounts: { dan: { email: 'dan@example.com', email_verified: true, name: 'Dan Platform' }, ada: { email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' } } });
    // The platform's handoff keys, served as a JWKS.
    const pair = await generateKeyPair('EdDSA', { extractable: true });
    platformKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'p1', alg: 'EdDSA' };
    jwks = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks`;
    const config = join(configDir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        identity: {
          oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, label: 'Demo IdP' },
          handoff: { issuer: 'https://platform.example', audience: 'adieu', jwksUrl },
        },
      }),
    );
    server = await startServer({ PORT: String(port), ADIEU_CONFIG: config });
    browser = await launchBrowser();
    context = await newContext(browser, server.url, 'en-GB');
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterEach(async (test) => {
    if (test.task.result?.state === 'fail' && page) await shot(page, 'identity', `FAILED-${test.task.name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
    await idp?.close();
    await new Promise((resolve) => (jwks ? jwks.close(resolve) : resolve(undefined)));
    rmSync(configDir, { recursive: true, force: true });
  });

  it('signs in through the provider, and steps up there before setting up two-step verification', async () => {
    await page.goto('/sign-in');
    await page.getByRole('heading', { level: 1, name: t('auth.signIn.title') }).waitFor();
    await shot(page, 'identity', 'sign-in-both-ways');
    await page.getByRole('link', { name: t('auth.oidc.signIn', { label: 'Demo IdP' }) }).click();
    await signInAtProvider(page, 'dan');
    await page.waitForURL(`${server.url}/account`);
    await page.getByRole('heading', { level: 1, name: t('account.home.title', { name: 'Dan Platform' }) }).waitFor();
    await shot(page, 'identity', 'signed-in-through-provider');

    await page.goto('/account/security');
    await page.getByRole('button', { name: t('security.totp.turnOn') }).click();
    // No password here: confirming goes through the provider (max_age=0, prompt=login).
    await page.getByRole('link', { name: t('reauth.oidcSubmit', { label: 'Demo IdP' }) }).click();
    await signInAtProvider(page, 'dan');
    await page.waitForURL(`${server.url}/account/security`);
    await page.getByRole('button', { name: t('security.totp.turnOn') }).click();
    await page.getByRole('img', { name: t('security.totp.qrAlt') }).waitFor();
    expect(errors).toEqual([]);
  });

  it('offers the provider in Simplified Chinese too', async () => {
    const zh = await newContext(browser, server.url, 'zh-CN');
    try {
      const zhPage = await zh.newPage();
      await zhPage.goto('/sign-in');
      const tz = translator('zh-CN');
      await zhPage.getByRole('link', { name: tz('auth.oidc.signIn', { label: 'Demo IdP' }) }).waitFor();
      await zhPage.getByRole('button', { name: tz('auth.signIn.submit') }).waitFor();
    } finally {
      await zh.close();
    }
  });

  it('links a demo account once its Adieu password is given', async () => {
    const other = await newContext(browser, server.url, 'en-GB');
    try {
      const linkPage = await other.newPage();
      await linkPage.goto('/sign-in');
      await linkPage.getByRole('link', { name: t('auth.oidc.signIn', { label: 'Demo IdP' }) }).click();
      await signInAtProvider(linkPage, 'ada');
      await linkPage.getByRole('heading', { level: 1, name: t('auth.link.title') }).waitFor();
      await linkPage.getByLabel(t('auth.password')).fill('demo-password-1');
      await linkPage.getByRole('button', { name: t('auth.link.submit') }).click();
      await linkPage.waitForURL(`${server.url}/account`);
      await linkPage.getByRole('heading', { level: 1, name: t('account.home.title', { name: 'Ada Lovelace' }) }).waitFor();
    } finally {
      await other.close();
    }
  });

  it('takes a buyer handed over by the platform (token in the fragment)', async () => {
    const other = await newContext(browser, server.url, 'en-GB');
    try {
      const token = await new SignJWT({ name: 'Hana Handoff', email: 'hana@example.com' })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'p1' })
        .setIssuer('https://platform.example')
        .setAudience('adieu')
        .setSubject('platform-hana')
        .setIssuedAt()
        .setExpirationTime('2 minutes')
        .setJti(`e2e-${Date.now()}`)
        .sign(platformKey);
      const handoffPage = await other.newPage();
      await handoffPage.goto(`/handoff?returnTo=%2Faccount#token=${token}`);
      await handoffPage.waitForURL(`${server.url}/account`);
      await handoffPage.getByRole('heading', { level: 1, name: t('account.home.title', { name: 'Hana Handoff' }) }).waitFor();
    } finally {
      await other.close();
    }
  });
});
