import type { IdentifierKind } from './erasure-datamap.ts';
import type { ReachPath } from './erasure-plan.ts';
import { Params, quoteIdent, quoteTable, subjectPredicate, type ParamRef } from './erasure-sql.ts';

/**
 * The verification scan looks for a subject's identifiers and sampled values ("needles") in every
 * column of every mapped table. Each row's columns are joined into one lower-case text, and every
 * needle is matched against it in one set-based query per table: text as a substring, a phone as
 * its digits with any of the usual separators between them (`+86 138-0000 0001`). Pure: builds SQL
 * and matches text, no I/O.
 */
export interface Needle {
  kind: IdentifierKind;
  /** Lower-case text; for phones, the national number's digits. */
  value: string;
  /**
   * Strong needles (email, phone) are unique to the subject and count anywhere. Weak ones (names,
   * sampled values) are kept only when no one else's rows hold them when the run starts.
   */
  strong: boolean;
}

export const MIN_NEEDLE_LENGTH = 6;

/** Escapes LIKE's wildcards (backslash is PostgreSQL's default LIKE escape). */
export const likeContains = (value: string): string => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function emailNeedle(email: string): Needle {
  return { kind: 'email', value: email.trim().toLowerCase(), strong: true };
}

/** `nationalNumber` is the digits after the country code, e.g. 13800000001 for +8613800000001. */
export function phoneNeedle(nationalNumber: string): Needle | null {
  const digits = nationalNumber.replace(/\D/g, '');
  return digits.length >= 6 ? { kind: 'phone', value: digits, strong: true } : null;
}

export function weakNeedle(kind: IdentifierKind, value: string): Needle | null {
  const text = value.trim().toLowerCase();
  if (text.length < MIN_NEEDLE_LENGTH) return null;
  return { kind, value: text, strong: false };
}

export interface ScanQueryInput {
  table: string;
  columns: string[];
  /** Scan only the subject's rows of the table (reached through this path), found by index. */
  only?: ReachPath;
  /**
   * At the start of a run: in the subject's own rows, look only at the columns that will survive
   * the erasure (kept ids, retained or non-personal columns). A value found there, or anywhere in
   * other people's rows, is not evidence of a leftover and is dropped from the needles.
   */
  subject?: { path: ReachPath; surviving: string[] };
  /** Scan only the rows this SQL predicate (over alias `t`, no parameters) selects; with `only`, both must hold. */
  rowsWhere?: string;
}

/** Columns joined into one text, kept apart by a control character no needle holds (lower-cased unless the caller lowers a larger text at once). */
function rowText(columns: string[], lowered = true): string {
  if (columns.length === 0) return `''`;
  const joined = `concat_ws(chr(1), ${columns.map((c) => `t.${quoteIdent(c)}::text`).join(', ')})`;
  return lowered ? `lower(${joined})` : joined;
}

/** The text of each row the scan reads, and the rows (`FROM … WHERE …`), as both passes and the fingerprint see them. */
function scanRows(input: ScanQueryInput, params: Params, lowered: boolean): { text: string; from: string } {
  let text = rowText(input.columns, lowered);
  const predicates = [input.only ? subjectPredicate(input.only, params).text : null, input.rowsWhere ? `(${input.rowsWhere})` : null].filter(Boolean);
  const where = predicates.length > 0 ? ` WHERE ${predicates.join(' AND ')}` : '';
  if (input.subject && input.only) {
    text = rowText(input.subject.surviving, lowered);
  } else if (input.subject) {
    const mine = subjectPredicate(input.subject.path, params).text;
    text = `CASE WHEN (${mine}) IS TRUE THEN ${rowText(input.subject.surviving, lowered)} ELSE ${rowText(input.columns, lowered)} END`;
  }
  return { text, from: `${quoteTable(input.table)} AS t${where}` };
}

/**
 * A row version's mark: a row inserted, updated or deleted since changes the count or the sum
 * (every new version has a new `xmin`, and usually a new `ctid`). A table rewritten by VACUUM FULL
 * gets new `ctid`s: it only loses the carried result, never a leftover.
 */
const ROW_MARK = `hashtext(t.ctid::text || ':' || t.xmin::text)::bigint`;

/**
 * A phone's digits with the separators people write between them: spaces, dashes, dots, slashes,
 * brackets, a plus. Digits only, so the regular expression needs no escaping.
 */
export function phonePattern(digits: string): string {
  return digits.split('').join('[ ().+/-]*');
}

/**
 * One query per table: which needles (by 1-based position) occur in how many rows. The needles
 * travel as one JSON parameter: `[[pattern, isPhoneRegex], …]`.
 */
export function buildScanSql(input: ScanQueryInput): { text: string; params: ParamRef[] } {
  const params = new Params();
  const { text, from } = scanRows(input, params, true);
  const needles = params.add({ ref: 'needles_json' });
  // Each row's text is built once (`OFFSET 0` keeps PostgreSQL from inlining it per needle) and
  // tried against all needles at once (LIKE ANY, one alternation of the phones): hits are rare, so
  // only the rows that pass are matched needle by needle to say which.
  return {
    text:
      `WITH n AS MATERIALIZED (SELECT e->>0 AS v, (e->>1)::boolean AS d, i FROM jsonb_array_elements(${needles}::jsonb) WITH ORDINALITY AS x(e, i)) ` +
      `SELECT m.i::int AS i, count(*)::int AS rows FROM (` +
      `SELECT r0.txt FROM (SELECT ${text} AS txt FROM ${from} OFFSET 0) AS r0 ` +
      `WHERE r0.txt LIKE ANY ((SELECT array_agg(v) FROM n WHERE NOT d)::text[]) OR r0.txt ~ (SELECT string_agg(v, '|') FROM n WHERE d)` +
      `) AS r CROSS JOIN LATERAL (SELECT n.i FROM n WHERE CASE WHEN n.d THEN r.txt ~ n.v ELSE r.txt LIKE n.v END) AS m GROUP BY m.i`,
    params: params.list,
  };
}

/**
 * `lower(text)`, cheaper on text of ASCII characters only (most rows): lower-casing by the
 * database's locale converts every character to a wide one and back, the "C" collation's lowers
 * bytes. Taken only when the database lowers every ASCII character as "C" does (not, say, a
 * Turkish locale's `I`), so the result is always the same as `lower(text)`.
 */
export const ASCII_LOWER = (s: string): string =>
  `CASE WHEN octet_length(${s}) = length(${s}) AND (SELECT lower(a) = lower(a COLLATE "C") FROM (SELECT string_agg(chr(k), '') AS a FROM generate_series(1, 127) AS k) AS ascii) ` +
  `THEN lower(${s} COLLATE "C") ELSE lower(${s}) END`;

/**
 * The scan's first pass: the rows' fingerprint (the row with `i` null: `n` rows, `h` the sum of
 * their marks) and, in the same snapshot, which needles the rows hold (one row per needle, `i` its
 * 1-based position). Matching one row at a time costs a pattern match per row and needle; here the
 * rows' texts are joined a thousand at a time (apart by chr(2), which neither a needle nor a
 * phone's separators hold, so no match spans two rows) and searched with one regular expression
 * of the needles not found yet, for the first match only: enumerating every match costs a lot
 * when a common value (a product's name) is a needle. Each pass names at least one more needle
 * (the matched text is the needle, a phone's with separators) and the next one reads only the
 * groups the last one matched, without the needles found: a needle that is there is in a group
 * every pass matched, until a pass finds it. A row with `stuck` true means a match named no
 * needle (it cannot, but then the caller must read the table another way).
 */
export function buildProbeSql(input: ScanQueryInput): { text: string; params: ParamRef[] } {
  const params = new Params();
  const { text, from } = scanRows(input, params, false);
  const needles = params.add({ ref: 'needles_probe' });
  return {
    text:
      `WITH RECURSIVE c AS MATERIALIZED (SELECT y.g, ${ASCII_LOWER('y.s')} AS txt, y.n, y.h FROM (` +
      `SELECT r.g, string_agg(r.txt, chr(2)) AS s, count(*) AS n, sum(r.mark) AS h FROM (` +
      `SELECT ${text} AS txt, ${ROW_MARK} AS mark, row_number() OVER () / 1000 AS g FROM ${from}) AS r GROUP BY r.g) AS y), ` +
      `n AS MATERIALIZED (SELECT x.i, e->>0 AS re, e->>1 AS v, (e->>2)::boolean AS d FROM jsonb_array_elements(${needles}::jsonb) WITH ORDINALITY AS x(e, i)), ` +
      `p(found, groups, stuck) AS (SELECT '{}'::bigint[], NULL::bigint[], false UNION ALL ` +
      `SELECT p.found || f.ids, f.groups, cardinality(f.ids) = 0 FROM p, LATERAL (` +
      `SELECT coalesce(array_agg(DISTINCT n.i) FILTER (WHERE n.i IS NOT NULL), '{}') AS ids, array_agg(DISTINCT m.g) AS groups FROM (` +
      `SELECT c.g, (regexp_match(c.txt, (SELECT string_agg(n.re, '|') FROM n WHERE n.i <> ALL (p.found))))[1] AS t FROM c ` +
      `WHERE p.groups IS NULL OR c.g = ANY (p.groups) OFFSET 0) AS m ` +
      `LEFT JOIN n ON n.i <> ALL (p.found) AND n.v = CASE WHEN n.d THEN regexp_replace(m.t, '[ ().+/-]', '', 'g') ELSE m.t END ` +
      `WHERE m.t IS NOT NULL) AS f WHERE NOT p.stuck AND f.groups IS NOT NULL) ` +
      `SELECT NULL::int AS i, coalesce(sum(c.n), 0)::bigint AS n, coalesce(sum(c.h), 0)::text AS h, false AS stuck FROM c ` +
      `UNION ALL SELECT DISTINCT unnest(p.found)::int, NULL::bigint, NULL::text, false FROM p ` +
      `UNION ALL SELECT NULL::int, NULL::bigint, NULL::text, true FROM p WHERE p.stuck`,
    params: params.list,
  };
}

/** The fingerprint of the rows a scan reads (as `buildProbeSql` gives it), without reading their text. */
export function buildFingerprintSql(input: ScanQueryInput): { text: string; params: ParamRef[] } {
  const params = new Params();
  const { from } = scanRows({ table: input.table, columns: input.columns, only: input.only }, params, false);
  return { text: `SELECT count(*)::bigint AS n, coalesce(sum(${ROW_MARK}), 0)::text AS h FROM ${from}`, params: params.list };
}

/** ASCII punctuation escaped for a PostgreSQL regular expression (a backslash before any other character is that character). */
const regexLiteral = (value: string): string => value.replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);

/** The needles as the first pass's one JSON parameter: `[[regular expression, value, isPhone], …]`, text as itself, a phone as `phonePattern`. */
export function needlesProbeJson(needles: Needle[]): string {
  return JSON.stringify(needles.map((n) => (n.kind === 'phone' ? [phonePattern(n.value), n.value, true] : [regexLiteral(n.value), n.value, false])));
}

/** The needles as the scan's one JSON parameter. */
export function needlesJson(needles: Needle[]): string {
  return JSON.stringify(needles.map((n) => (n.kind === 'phone' ? [phonePattern(n.value), true] : [likeContains(n.value), false])));
}

/** Which needles occur in a file's text (lower-cased by the caller). */
export function needlesInText(text: string, needles: Needle[]): number[] {
  const hits: number[] = [];
  needles.forEach((needle, i) => {
    if (needle.kind === 'phone' ? new RegExp(phonePattern(needle.value)).test(text) : text.includes(needle.value)) hits.push(i);
  });
  return hits;
}
