/**
 * Where a sign-in may send the browser afterwards: a path of this site only. Anything that a
 * browser could read as another origin (`//evil.example`, `/\evil.example`, `https://…`, control
 * characters) becomes `/`, so the sign-in flow is never an open redirect.
 */
export function safeReturnTo(raw: string | undefined | null): string {
  if (!raw || raw.length > 500) return '/';
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  // Browsers drop tabs and newlines inside URLs and read "\" as "/": "/\t/evil" is "//evil".
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return '/';
  try {
    const base = 'http://adieu.invalid';
    const url = new URL(raw, base);
    if (url.origin !== base) return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}
