/** Only same-site paths: `?next=//evil.example` must not turn sign-in into an open redirect. */
export function safeNext(raw: string | null): string | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null;
  return raw;
}
