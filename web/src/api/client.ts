/**
 * The one way the UI talks to the API: cookies always, the CSRF token on every non-GET request,
 * and `{ error: { code, message } }` turned into an `ApiError` the pages can show.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field-level problems of a VALIDATION_FAILED answer, keyed by field path. */
  get fields(): Record<string, string> {
    const fields = this.details.fields;
    return fields && typeof fields === 'object' ? (fields as Record<string, string>) : {};
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

let csrfToken: string | null = null;
/** Listeners told when the server says the session is gone (so the UI can send the user to sign in). */
const unauthorisedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

export function onUnauthorised(listener: () => void): () => void {
  unauthorisedListeners.add(listener);
  return () => unauthorisedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not notify unauthorised listeners on 401 (sign-in form, session probe). */
  quiet401?: boolean;
}

async function refreshCsrf(): Promise<void> {
  const response = await fetch('/api/auth/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (response.ok) setCsrfToken(((await response.json()) as { csrfToken?: string | null }).csrfToken);
}

async function toError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy page, an empty body): fall through to a generic error.
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (error && typeof error.code === 'string') {
    const { code, message, ...details } = error;
    return new ApiError(response.status, code, typeof message === 'string' ? message : code, details);
  }
  return new ApiError(response.status, response.status >= 500 ? 'INTERNAL' : 'UNKNOWN', response.statusText || 'Request failed');
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (cause) {
    if ((cause as Error)?.name === 'AbortError') throw cause;
    throw new ApiError(0, 'NETWORK', 'The server could not be reached.');
  }
}

/** Sends a request and returns the parsed JSON answer (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(path, options);
  if (response.status === 403 && (options.method ?? 'GET') !== 'GET') {
    // The token may be stale (another tab signed in again): fetch a fresh one and retry once.
    const error = await toError(response.clone());
    if (error.code === 'CSRF_INVALID') {
      await refreshCsrf();
      response = await send(path, options);
    }
  }
  if (!response.ok) {
    const error = await toError(response);
    if (response.status === 401 && error.code === 'AUTH_REQUIRED' && !options.quiet401) unauthorisedListeners.forEach((l) => l());
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

/** Fetches a binary resource (a document image) as an object URL; the caller revokes it. */
export async function apiBlobUrl(path: string, signal?: AbortSignal): Promise<string> {
  const response = await send(path, { signal, headers: { accept: 'image/*' } });
  if (!response.ok) throw await toError(response);
  return URL.createObjectURL(await response.blob());
}

/** A random key for `Idempotency-Key`. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
