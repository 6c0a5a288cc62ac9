const BASE = 'https://adieu.invalid';

/**
 * Only same-site paths: `?next=//evil.example` must not turn sign-in into an open redirect. Control
 * characters and white space are refused outright: URL parsers drop tabs and newlines, so
 * `/\t/evil.test/` would become `//evil.test/`, and the router refuses them anyway.
 */
export function safeNext(raw: string | null): string | null {
  if (!raw || raw.length > 2000 || !raw.startsWith('/') || raw.startsWith('//')) return null;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u0020\u007f-\u009f\\\u2028\u2029]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
