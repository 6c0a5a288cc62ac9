import type { IdentifierKind } from './erasure-datamap.ts';
import type { ReachPath } from './erasure-plan.ts';
import { Params, quoteIdent, quoteTable, subjectPredicate, type ParamRef } from './erasure-sql.ts';

/**
 * The verification scan looks for a subject's identifiers and sampled values ("needles") in every
 * column of every mapped table. Each row's columns are joined into one lower-case text (and one of
 * digits only, so a phone number is found however it was formatted), and every needle is matched
 * against it in one set-based query per table. Pure: builds SQL and matches text, no I/O.
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
}

/** Columns joined into one lower-case text, and the digits of each column (kept apart by `|`). */
function rowText(columns: string[]): { text: string; digits: string } {
  if (columns.length === 0) return { text: `''`, digits: `''` };
  const cols = columns.map((c) => `t.${quoteIdent(c)}::text`);
  return {
    text: `lower(concat_ws(chr(1), ${cols.join(', ')}))`,
    // Separators survive the digit filter, so digits of two columns never run together.
    digits: `regexp_replace(concat_ws('|', ${cols.join(', ')}), '[^0-9|]', '', 'g')`,
  };
}

/**
 * One query per table: which needles (by 1-based position) occur in how many rows. The needles
 * travel as one JSON parameter: `[[pattern, digitsOnly], …]`.
 */
export function buildScanSql(input: ScanQueryInput): { text: string; params: ParamRef[] } {
  const params = new Params();
  const all = rowText(input.columns);
  let text = all.text;
  let digits = all.digits;
  const where = input.only ? ` WHERE ${subjectPredicate(input.only, params).text}` : '';
  if (input.subject && input.only) {
    const kept = rowText(input.subject.surviving);
    text = kept.text;
    digits = kept.digits;
  } else if (input.subject) {
    const mine = subjectPredicate(input.subject.path, params).text;
    const kept = rowText(input.subject.surviving);
    text = `CASE WHEN (${mine}) IS TRUE THEN ${kept.text} ELSE ${all.text} END`;
    digits = `CASE WHEN (${mine}) IS TRUE THEN ${kept.digits} ELSE ${all.digits} END`;
  }
  const needles = params.add({ ref: 'needles_json' });
  return {
    text:
      `SELECT n.i::int AS i, count(*)::int AS rows ` +
      `FROM (SELECT ${text} AS txt, ${digits} AS dig FROM ${quoteTable(input.table)} AS t${where}) AS r ` +
      `JOIN (SELECT e->>0 AS v, (e->>1)::boolean AS d, i FROM jsonb_array_elements(${needles}::jsonb) WITH ORDINALITY AS x(e, i)) AS n ` +
      `ON (CASE WHEN n.d THEN r.dig LIKE n.v ELSE r.txt LIKE n.v END) GROUP BY n.i`,
    params: params.list,
  };
}

/** The needles as the scan's one JSON parameter. */
export function needlesJson(needles: Needle[]): string {
  return JSON.stringify(needles.map((n) => [likeContains(n.value), n.kind === 'phone']));
}

/** Which needles occur in a file's text (lower-cased by the caller). */
export function needlesInText(text: string, needles: Needle[]): number[] {
  const hits: number[] = [];
  needles.forEach((needle, i) => {
    if (text.includes(needle.value)) hits.push(i);
  });
  return hits;
}
