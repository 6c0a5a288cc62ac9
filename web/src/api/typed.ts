/**
 * Typed calls over the generated `paths` of the server's OpenAPI document (schema.gen.ts): the
 * path, its parameters, the request body and the answer are all checked against the document, so
 * the UI stops type-checking when the server's API drifts from what the UI uses.
 */
import { api, type RequestOptions } from './client.ts';
import type { components, paths } from './schema.gen.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** Paths that have an operation for `M`. */
export type PathsWith<M extends Method> = { [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never }[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

type Json<R> = R extends { content: { 'application/json': infer J } } ? J : R extends { content?: never } ? undefined : never;
/** The JSON of the operation's success answers (200, 201, 202; 204 is `undefined`). */
export type Answer<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? { [S in keyof R]: S extends 200 | 201 | 202 | 204 ? Json<R[S]> : never }[keyof R] : never;
type Body<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type PathParams<O> = O extends { parameters: { path: infer PP } } ? (PP extends Record<string, unknown> ? PP : never) : never;
type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? (Q extends Record<string, unknown> ? Q : never) : never;

export interface CallOptions<O> extends Omit<RequestOptions, 'method' | 'body'> {
  path?: PathParams<O>;
  query?: QueryParams<O>;
  body?: Body<O> | FormData;
}

/** `/api/x/{id}` with its parameters filled in (encoded) and the query appended. */
function urlOf(template: string, path: Record<string, unknown> = {}, query: Record<string, unknown> = {}): string {
  const filled = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(path[name])));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const q = search.toString();
  return q ? `${filled}?${q}` : filled;
}

/** One documented operation: `call('post', '/api/review/applications/{id}/claim', { path: { id } })`. */
export function call<M extends Method, P extends PathsWith<M>>(method: M, path: P, options: CallOptions<Operation<P, M>> = {}): Promise<Answer<P, M>> {
  const { path: params, query, body, ...rest } = options;
  return api<Answer<P, M>>(urlOf(path, params as Record<string, unknown>, query as Record<string, unknown>), {
    ...rest,
    method: method.toUpperCase() as RequestOptions['method'],
    body,
  });
}

/** The JSON request body of an operation. */
export type RequestBody<P extends keyof paths, M extends Method> = Body<Operation<P, M>>;

/** The query parameters of an operation. */
export type Query<P extends keyof paths, M extends Method> = QueryParams<Operation<P, M>>;

/** A schema of the document's `components`. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];
