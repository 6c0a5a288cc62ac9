import type { FastifyInstance } from 'fastify';

export interface Page {
  status: number;
  url: string;
  location: string | null;
  body: string;
}

/**
 * A minimal browser for sign-in round trips: one cookie jar per origin, redirects followed by
 * hand. Requests to Adieu's public origin go to the Fastify app by `inject`; everything else (the
 * OpenID Provider) over real HTTP. Stops at a page (2xx), an error, or a redirect to a page of
 * Adieu outside /api/ (the web UI the buyer lands on).
 */
export class Browser {
  readonly jars = new Map<string, Map<string, string>>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly adieuOrigin = 'http://adieu.test',
  ) {}

  jar(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  cookieHeader(origin: string): string {
    return [...this.jar(origin)].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private store(origin: string, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (!value || expired) this.jar(origin).delete(name);
      else this.jar(origin).set(name, value);
    }
  }

  /** One request, no redirect following. */
  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<Page> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(target.origin);
    if (cookie) headers.cookie = cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const body = form ? new URLSearchParams(form).toString() : undefined;
    if (target.origin === this.adieuOrigin) {
      const response = await this.app.inject({ method, url: `${target.pathname}${target.search}`, headers, ...(body ? { payload: body } : {}) });
      const setCookie = response.headers['set-cookie'];
      this.store(target.origin, setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]);
      const location = response.headers.location?.toString() ?? null;
      return { status: response.statusCode, url, location: location && new URL(location, url).href, body: response.body };
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.store(target.origin, response.headers.getSetCookie());
    const location = response.headers.get('location');
    return { status: response.status, url, location: location && new URL(location, url).href, body: await response.text() };
  }

  /** Follows redirects from `url`; `stopAt` may stop before a URL is requested (to tamper with it). */
  async go(url: string, options: { method?: 'GET' | 'POST'; form?: Record<string, string>; stopAt?: (url: URL) => boolean } = {}): Promise<Page> {
    let page = await this.request(options.method ?? 'GET', url, options.form);
    for (let hops = 0; page.location && page.status >= 300 && page.status < 400; hops++) {
      if (hops > 20) throw new Error('too many redirects');
      const next = new URL(page.location);
      if (next.origin === this.adieuOrigin && !next.pathname.startsWith('/api/')) return page;
      if (options.stopAt?.(next)) return page;
      page = await this.request('GET', next.href);
    }
    return page;
  }

  /**
   * Fills the provider's development login form (any password is accepted for a known login) and
   * confirms its consent form, until the provider redirects elsewhere.
   */
  async completeProviderForms(page: Page, login: string, options: { stopAt?: (url: URL) => boolean } = {}): Promise<Page> {
    for (let i = 0; i < 5 && page.status === 200 && page.body.includes('<form'); i++) {
      const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1];
      if (!action) throw new Error('form without action');
      const fields: Record<string, string> = {};
      for (const match of page.body.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[match[1]] = match[2];
      if (page.body.includes('name="login"')) Object.assign(fields, { login, password: 'any password' });
      page = await this.go(new URL(action.replace(/&amp;/g, '&'), page.url).href, { method: 'POST', form: fields, stopAt: options.stopAt });
    }
    return page;
  }
}
