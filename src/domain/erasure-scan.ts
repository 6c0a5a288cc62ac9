import type { IdentifierKind } from './erasure-datamap.ts';
import type { ReachPath, SqlStep } from './erasure-plan.ts';
import { Params, quoteIdent, quoteTable, retentionStart, subjectPredicate, type ParamRef } from './erasure-sql.ts';

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
   * At the start of a run: leave out the subject's own rows (reached through this path). A value
   * found in anyone else's rows is not evidence of a leftover and is dropped from the needles.
   */
  exceptSubject?: ReachPath;
  /**
   * In the subject's rows (reached through `path`), the weak needles count only in these columns:
   * those the erasure changes. A weak value (a name, a sampled text) in a column the data map keeps
   * is retained data, not a leftover; an identifier (email, phone) counts in every column.
   */
  weak?: { path: ReachPath; columns: string[] };
  /** Scan only the rows this SQL predicate (over alias `t`, no parameters) selects; with `only`, both must hold. */
  rowsWhere?: string;
}

/** Columns joined into one text, kept apart by a control character no needle holds (the callers lower-case it). */
function rowText(columns: string[]): string {
  if (columns.length === 0) return `''`;
  return `concat_ws(chr(1), ${columns.map((c) => `t.${quoteIdent(c)}::text`).join(', ')})`;
}

/**
 * The rows the scan reads (`FROM … WHERE …`), the text of each (every column), and the text the
 * weak needles are matched against (null: the same text).
 */
function scanRows(input: ScanQueryInput, params: Params): { text: string; weakText: string | null; from: string } {
  const predicates = [
    input.only ? subjectPredicate(input.only, params).text : null,
    input.exceptSubject ? `(${subjectPredicate(input.exceptSubject, params).text}) IS NOT TRUE` : null,
    input.rowsWhere ? `(${input.rowsWhere})` : null,
  ].filter(Boolean);
  const where = predicates.length > 0 ? ` WHERE ${predicates.join(' AND ')}` : '';
  const text = rowText(input.columns);
  let weakText: string | null = null;
  if (input.weak && input.weak.columns.join() !== input.columns.join()) {
    weakText = input.only
      ? rowText(input.weak.columns)
      : `CASE WHEN (${subjectPredicate(input.weak.path, params).text}) IS TRUE THEN ${rowText(input.weak.columns)} ELSE ${text} END`;
  }
  return { text, weakText, from: `${quoteTable(input.table)} AS t${where}` };
}

/**
 * A phone's digits with the separators people write between them: spaces, dashes, dots, slashes,
 * brackets, a plus. Digits only, so the regular expression needs no escaping.
 */
export function phonePattern(digits: string): string {
  return digits.split('').join('[ ().+/-]*');
}

/** The needles as the table `n`, from the scan's one JSON parameter (`needlesJson`). */
const needlesTable = (param: string): string =>
  `n AS MATERIALIZED (SELECT e->>0 AS v, e->>1 AS loose, e->>2 AS stable, (e->>3)::boolean AS d, (e->>4)::boolean AS s, i FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS x(e, i))`;

/**
 * The first, cheap filter of a row's text as it is (`text`), for the needles `which` selects: LIKE
 * with a text needle's characters that lower-casing leaves alone (`caseStablePattern`: most rows
 * fail here, before the costly lower-casing). A phone's digits in order with anything between let
 * through nearly every row of ids and amounts, so a row that passes that pattern must also match
 * the phones' regular expression, which needs no lower-casing (digits and separators only).
 */
function firstFilter(text: string, which: string): string {
  const phones = `FROM n WHERE ${which} AND n.d`;
  return (
    `${text} LIKE ANY ((SELECT array_agg(n.stable) FROM n WHERE ${which} AND NOT n.d)::text[]) ` +
    `OR (${text} LIKE ANY ((SELECT array_agg(n.stable) ${phones})::text[]) AND ${text} ~ (SELECT string_agg(n.v, '|') ${phones}))`
  );
}

/** Whether the needle `n` occurs in the lower-cased `text`, exactly. */
const needleIn = (text: string): string => `CASE WHEN n.d THEN ${text} ~ n.v ELSE ${text} LIKE n.v END`;

/**
 * One query per table: which needles (by 1-based position) occur in how many rows. The needles
 * travel as one JSON parameter (`needlesJson`). Hits are rare, so each row's text is built once
 * (`OFFSET 0` keeps PostgreSQL from inlining it per use) and passes two cheap filters, each with
 * every needle at once: `firstFilter` on the text as it is, then LIKE on the lower-cased text. Only
 * the rows that pass both are matched needle by needle, exactly, to say which.
 */
export function buildScanSql(input: ScanQueryInput): { text: string; params: ParamRef[] } {
  const params = new Params();
  const { text, weakText, from } = scanRows(input, params);
  const needles = params.add({ ref: 'needles_json' });
  // Only the subject's rows, and the erasure changes none of their columns: only identifiers count.
  const strongOnly = !!input.only && input.weak?.columns.length === 0;
  const twoTexts = weakText !== null && !strongOnly;
  const raw = twoTexts ? `${text} AS raw, ${weakText} AS wraw` : `${text} AS raw`;
  const lowered = twoTexts ? `${ASCII_LOWER('r0.raw')} AS txt, ${ASCII_LOWER('r0.wraw')} AS wtxt` : `${ASCII_LOWER('r0.raw')} AS txt`;
  // Which needles each text is matched against: the strong ones (or all) in the row's whole text,
  // the weak ones in the text of the columns the erasure changes.
  const texts: Array<{ which: string; raw: string; lowered: string }> = twoTexts
    ? [
        { which: 'n.s', raw: 'r0.raw', lowered: 'r1.txt' },
        { which: 'NOT n.s', raw: 'r0.wraw', lowered: 'r1.wtxt' },
      ]
    : [{ which: strongOnly ? 'n.s' : 'true', raw: 'r0.raw', lowered: 'r1.txt' }];
  const first = texts.map((t) => firstFilter(t.raw, t.which)).join(' OR ');
  const second = texts.map((t) => `${t.lowered} LIKE ANY ((SELECT array_agg(n.loose) FROM n WHERE ${t.which})::text[])`).join(' OR ');
  const subjectText = twoTexts ? `CASE WHEN n.s THEN r.txt ELSE r.wtxt END` : 'r.txt';
  return {
    text:
      `WITH ${needlesTable(needles)} ` +
      `SELECT m.i::int AS i, count(*)::int AS rows FROM (` +
      `SELECT r1.txt${twoTexts ? ', r1.wtxt' : ''} FROM (SELECT ${lowered} FROM (SELECT ${raw} FROM ${from} OFFSET 0) AS r0 ` +
      `WHERE ${first} OFFSET 0) AS r1 WHERE ${second}` +
      `) AS r CROSS JOIN LATERAL (SELECT n.i FROM n WHERE ${strongOnly ? 'n.s AND ' : ''}${needleIn(subjectText)}) AS m GROUP BY m.i`,
    params: params.list,
  };
}

/**
 * The columns a kept table's reading reads: `all` for every identifier; `numbers`, columns of a
 * number type, for phones only (`numbersHoldOnlyPhones`).
 */
export interface KeptColumns {
  all: string[];
  numbers: string[];
}

/**
 * The statement of a step that changes nothing (`changesNothing`), which also does the
 * verification's work on those rows in the same reading: how many rows the subject keeps (with the
 * earliest and latest start of their retention, as `buildStepSql` returns them) and how many of
 * them may hold an identifier (`suspects`). In rows the erasure leaves as they are only identifiers
 * (strong needles) count (`ScanQueryInput.weak`), and neither an email nor a phone spans two
 * columns, so each column is tested on its own, as it is, as `firstFilter` tests a row's text
 * (`identifierFilters`, of which `filters` gives the counts: one placeholder per pattern, as a
 * pattern in an array costs the array's unpacking in every row): no row text is built and nothing
 * is lower-cased, and with plain aggregates PostgreSQL can read the rows in parallel, as it does
 * for a bare count. The filter lets through every row that holds an identifier, so no suspect
 * proves there is none; a suspect (rare) is left to the verification's exact scan.
 */
export function buildKeptRowsSql(step: SqlStep, columns: KeptColumns, filters: { texts: number; phones: number }): { text: string; params: ParamRef[] } {
  const params = new Params();
  const where = subjectPredicate(step.reach, params).text;
  const start = step.retain ? retentionStart(step.retain) : null;
  const texts = Array.from({ length: filters.texts }, (_, index) => `${params.add({ ref: 'identifier_pattern', index })}::text`);
  const phones = Array.from({ length: filters.phones }, (_, index) => `${params.add({ ref: 'phone_pattern', index })}::text`);
  const regex = phones.length > 0 ? `${params.add({ ref: 'phone_regex' })}::text` : '';
  // A phone's pattern (its digits in order, anything between) lets many ids and amounts through: those then meet its regular expression.
  const phoneTests = (v: string) => (phones.length > 0 ? [`((${phones.map((p) => `${v} LIKE ${p}`).join(' OR ')}) AND ${v} ~ ${regex})`] : []);
  const value = (c: string) => `t.${quoteIdent(c)}::text`;
  const tests = [...columns.all.map(value).flatMap((v) => [...texts.map((p) => `${v} LIKE ${p}`), ...phoneTests(v)]), ...columns.numbers.map(value).flatMap(phoneTests)];
  return {
    text:
      `SELECT count(*)::int AS n${start ? `, min(${start}) AS earliest, max(${start}) AS latest` : ''}, ` +
      `count(*) FILTER (WHERE ${tests.length > 0 ? tests.join(' OR ') : 'false'})::int AS suspects FROM ${quoteTable(step.table)} AS t WHERE ${where}`,
    params: params.list,
  };
}

/**
 * The values of `buildKeptRowsSql`'s filter, from the identifiers among `needles`: the case-stable
 * LIKE patterns of the texts, those of the phones (their digits in order with anything between),
 * and the phones' patterns as one regular expression (null without phones). A value passes when
 * it matches a text's pattern, or a phone's pattern and then the regular expression.
 */
export function identifierFilters(needles: Needle[]): { patterns: string[]; phonePatterns: string[]; phoneRegex: string | null } {
  const strong = needles.filter((n) => n.strong);
  const phones = strong.filter((n) => n.kind === 'phone');
  return {
    patterns: strong.filter((n) => n.kind !== 'phone').map((n) => caseStablePattern(n.value)),
    phonePatterns: phones.map((n) => caseStablePattern(n.value)),
    phoneRegex: phones.length > 0 ? phones.map((n) => phonePattern(n.value)).join('|') : null,
  };
}

/**
 * Whether a number's text can hold none of these identifiers but phones: PostgreSQL writes a
 * number with digits, signs, a point, an exponent's `e`, or as `NaN` / `Infinity`; an identifier
 * with any other character (an email's `@`) is never in one. Then a kept table's number columns
 * are read for phones only, and with no phone not at all (each value costs its conversion to text).
 */
export function numbersHoldOnlyPhones(needles: Needle[]): boolean {
  return needles.every((n) => !n.strong || n.kind === 'phone' || !/^[-+.0-9aefinty]*$/.test(n.value));
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
 * At the start of a run, which of the candidate values other rows hold (one row per needle, `i`
 * its 1-based position). Common values are expected here (a product's name the buyer browsed is in
 * many orders), and matching one row at a time costs a pattern match per row and needle; here the
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
  const { text, from } = scanRows(input, params);
  const needles = params.add({ ref: 'needles_probe' });
  return {
    text:
      `WITH RECURSIVE c AS MATERIALIZED (SELECT y.g, ${ASCII_LOWER('y.s')} AS txt FROM (` +
      `SELECT r.g, string_agg(r.txt, chr(2)) AS s FROM (` +
      `SELECT ${text} AS txt, row_number() OVER () / 1000 AS g FROM ${from}) AS r GROUP BY r.g) AS y), ` +
      `n AS MATERIALIZED (SELECT x.i, e->>0 AS re, e->>1 AS v, (e->>2)::boolean AS d FROM jsonb_array_elements(${needles}::jsonb) WITH ORDINALITY AS x(e, i)), ` +
      `p(found, groups, stuck) AS (SELECT '{}'::bigint[], NULL::bigint[], false UNION ALL ` +
      `SELECT p.found || f.ids, f.groups, cardinality(f.ids) = 0 FROM p, LATERAL (` +
      `SELECT coalesce(array_agg(DISTINCT n.i) FILTER (WHERE n.i IS NOT NULL), '{}') AS ids, array_agg(DISTINCT m.g) AS groups FROM (` +
      `SELECT c.g, (regexp_match(c.txt, (SELECT string_agg(n.re, '|') FROM n WHERE n.i <> ALL (p.found))))[1] AS t FROM c ` +
      `WHERE p.groups IS NULL OR c.g = ANY (p.groups) OFFSET 0) AS m ` +
      `LEFT JOIN n ON n.i <> ALL (p.found) AND n.v = CASE WHEN n.d THEN regexp_replace(m.t, '[ ().+/-]', '', 'g') ELSE m.t END ` +
      `WHERE m.t IS NOT NULL) AS f WHERE NOT p.stuck AND f.groups IS NOT NULL) ` +
      `SELECT DISTINCT unnest(p.found)::int AS i, false AS stuck FROM p ` +
      `UNION ALL SELECT NULL::int, true FROM p WHERE p.stuck`,
    params: params.list,
  };
}

/** ASCII punctuation escaped for a PostgreSQL regular expression (a backslash before any other character is that character). */
const regexLiteral = (value: string): string => value.replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);

/** The needles as the first pass's one JSON parameter: `[[regular expression, value, isPhone], …]`, text as itself, a phone as `phonePattern`. */
export function needlesProbeJson(needles: Needle[]): string {
  return JSON.stringify(needles.map((n) => (n.kind === 'phone' ? [phonePattern(n.value), n.value, true] : [regexLiteral(n.value), n.value, false])));
}

/**
 * A LIKE pattern of the characters of `value` that lower-casing leaves as they are and makes from
 * no other character (ASCII digits, punctuation and space: case maps only letters, to letters), in
 * order with anything between: every text whose lower case holds `value` matches it as it is.
 */
export function caseStablePattern(value: string): string {
  const stable = value.replace(/[^ -~]|[A-Za-z]/g, '');
  return `%${[...stable].map((c) => (c === '\\' || c === '%' || c === '_' ? `\\${c}` : c)).join('%')}%`;
}

/**
 * The needles as the scan's one JSON parameter: `[[exact pattern, loose LIKE pattern, case-stable
 * LIKE pattern, isPhone, isStrong], …]`: text as a LIKE pattern (exact and loose), a phone as
 * `phonePattern` and its digits in order with anything between (which every text the pattern
 * matches also matches).
 */
export function needlesJson(needles: Needle[]): string {
  return JSON.stringify(needles.map(needleEntry));
}

/** A needle's entry in `needlesJson`, made once per needle: a run's scans pass the same needles again and again. */
const needleEntries = new WeakMap<Needle, unknown[]>();

function needleEntry(n: Needle): unknown[] {
  let entry = needleEntries.get(n);
  if (!entry) {
    // A phone's digits are all case-stable: its loose pattern is its case-stable one.
    const loose = n.kind === 'phone' ? caseStablePattern(n.value) : likeContains(n.value);
    entry = [n.kind === 'phone' ? phonePattern(n.value) : loose, loose, caseStablePattern(n.value), n.kind === 'phone', n.strong];
    needleEntries.set(n, entry);
  }
  return entry;
}

/** Which needles occur in a file's text (lower-cased by the caller). */
export function needlesInText(text: string, needles: Needle[]): number[] {
  const hits: number[] = [];
  needles.forEach((needle, i) => {
    if (needle.kind === 'phone' ? new RegExp(phonePattern(needle.value)).test(text) : text.includes(needle.value)) hits.push(i);
  });
  return hits;
}
