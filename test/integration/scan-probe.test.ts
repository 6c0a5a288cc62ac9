import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/test-databases.ts';
import { ASCII_LOWER, buildKeptRowsSql, buildProbeSql, buildScanSql, identifierFilters, needlesInText, numbersHoldOnlyPhones, type KeptColumns, type Needle } from '../../src/domain/erasure-scan.ts';
import { resolveParams } from '../../src/erasure/params.ts';
import type { RawResult } from '../../src/db/database.ts';

const text = (value: string): Needle => ({ kind: 'other', value, strong: false });
const phone = (digits: string): Needle => ({ kind: 'phone', value: digits, strong: true });

/** A small random generator with a seed, so a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return { int: (n: number) => Math.floor(next() * n), pick: <T>(list: T[]) => list[Math.floor(next() * list.length)] };
}

/** PostgreSQL's LIKE (backslash escapes, case-sensitive), in JavaScript. */
function like(value: string, pattern: string): boolean {
  let source = '';
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k];
    if (c === '\\') source += pattern[++k].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else source += c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's').test(value);
}

/**
 * The scan's two queries run on the database: the first pass at the start of a run (every needle
 * its rows hold, however the needles' matches overlap or hide one another, and no needle they do
 * not hold) and the verification's filtered query (the same, with weak needles counted in the
 * subject's rows only in the columns the erasure changes), and the statement of a step that keeps
 * the subject's rows as they are, which counts them and does the verification's reading of them.
 */
describe.each(DATABASE_KINDS)('the verification scan on the database (%s)', (kind) => {
  let test: TestDatabase;
  const table = `public.scan_probe_${kind}`;
  beforeAll(async () => {
    test = await createTestDatabase(kind);
  });
  afterAll(() => test.drop());

  /** Rows of text columns `a` and `b`, and their owner `o` (the subject is `u`). */
  const load = async (rows: Array<[string, string]>, owners: string[] = []) => {
    await test.database.executeSql(`DROP TABLE IF EXISTS ${table}`);
    await test.database.executeSql(`CREATE TABLE ${table} (a text, b text, o text)`);
    const values = rows.map(([a, b], k) => [a, b, owners[k] ?? 'v']);
    await test.database.executeSql(`INSERT INTO ${table} (a, b, o) SELECT x->>0, x->>1, x->>2 FROM jsonb_array_elements($1::jsonb) AS x`, [JSON.stringify(values)]);
  };
  const owner = { hops: [], identity: { table, column: 'o', kind: 'user_id' as const } };
  const params = (needles: Needle[]) => ({ userId: 'u', subjectId: 's', now: new Date(), needles });
  const probe = async (needles: Needle[]) => {
    const built = buildProbeSql({ table, columns: ['a', 'b'] });
    const result = (await test.database.executeSql(built.text, resolveParams(built.params, params(needles)))) as RawResult;
    const rows = result.rows as Array<{ i: number | null; stuck: boolean }>;
    expect(rows.some((r) => r.stuck)).toBe(false);
    return { found: rows.map((r) => Number(r.i) - 1).sort((x, y) => x - y) };
  };
  /** The verification's query, weak needles counted only in column `a` of the subject's rows: needle → rows. */
  const scan = async (needles: Needle[]) => {
    const built = buildScanSql({ table, columns: ['a', 'b'], weak: { path: owner, columns: ['a'] } });
    const result = (await test.database.executeSql(built.text, resolveParams(built.params, params(needles)))) as RawResult;
    return new Map((result.rows as Array<{ i: number; rows: number }>).map((r) => [Number(r.i) - 1, Number(r.rows)]));
  };
  /** The statement of a step that keeps the subject's rows as they are: how many, and how many may hold an identifier. */
  const kept = async (needles: Needle[], columns: KeptColumns = { all: ['a', 'b'], numbers: [] }) => {
    const { patterns, phonePatterns } = identifierFilters(needles);
    const built = buildKeptRowsSql({ kind: 'sql', store: 'probe', table, rows: 'update', reach: owner, sets: [] }, columns, { texts: patterns.length, phones: phonePatterns.length });
    const result = (await test.database.executeSql(built.text, resolveParams(built.params, params(needles)))) as RawResult;
    const [row] = result.rows as Array<{ n: number; suspects: number }>;
    return { rows: Number(row.n), suspects: Number(row.suspects) };
  };
  /** Whether a column's value (as it is) passes the kept rows' filter of identifiers, in JavaScript. */
  const suspect = (value: string, needles: Needle[]) => {
    const { patterns, phonePatterns, phoneRegex } = identifierFilters(needles);
    return patterns.some((p) => like(value, p)) || (phonePatterns.some((p) => like(value, p)) && new RegExp(phoneRegex!).test(value));
  };
  /** What reading the rows one by one finds (the scan's row-by-row pass, in JavaScript). */
  const truth = (rows: Array<[string, string]>, needles: Needle[]) => {
    const found = new Set<number>();
    for (const [a, b] of rows) for (const i of needlesInText(`${a}\u0001${b}`.toLowerCase(), needles)) found.add(i);
    return [...found].sort((x, y) => x - y);
  };
  /** What the verification's query should count, read row by row in JavaScript. */
  const counted = (rows: Array<[string, string]>, owners: string[], needles: Needle[]) => {
    const count = new Map<number, number>();
    rows.forEach(([a, b], k) => {
      const mine = owners[k] === 'u';
      const all = needlesInText(`${a}\u0001${b}`.toLowerCase(), needles);
      const inA = new Set(needlesInText(a.toLowerCase(), needles));
      for (const i of all) if (!mine || needles[i].strong || inA.has(i)) count.set(i, (count.get(i) ?? 0) + 1);
    });
    return count;
  };

  it('finds a needle hidden inside or overlapping another one’s match, in any group of rows', async () => {
    const filler: Array<[string, string]> = Array.from({ length: 2500 }, (_, k) => [`Product ${k % 997}`, `${k}`]);
    // `product 1` only ever inside `product 12…` (every group has one); `road 77 east` starts inside `7 bench road`.
    filler[1800] = ['7 Bench Road 77 East', 'call +86 138-0000 0001'];
    await load(filler);
    const needles = [text('product 12'), text('product 1'), text('7 bench road'), text('road 77 east'), phone('13800000001'), text('8-0000 0'), text('no such value'), phone('13900000002')];
    const found = await probe(needles);
    expect(found.found).toEqual([0, 1, 2, 3, 4, 5]);
    expect(found.found).toEqual(truth(filler, needles));
  });

  it('lower-cases as the database does, ASCII text or not', async () => {
    for (const value of ['ADA Lovelace 138-0000', 'ÄDA ÖSTERLING Straße', 'İSTANBUL ΣΊΣΥΦΟΣ', 'plain', '']) {
      const result = (await test.database.executeSql(`SELECT ${ASCII_LOWER('$1::text')} AS fast, lower($1::text) AS slow`, [value])) as RawResult;
      const [row] = result.rows as Array<{ fast: string; slow: string }>;
      expect(row.fast, value).toBe(row.slow);
    }
    const rows: Array<[string, string]> = [['ÄDA ÖSTERLING', 'x'], ['Mail ADA@Example.COM', 'y']];
    await load(rows);
    expect((await probe([text('äda österling'), text('ada@example.com'), text('ada lovelace')])).found).toEqual([0, 1]);
  });

  it('agrees with reading row by row on random rows and needles', async () => {
    const random = generator(17);
    const alphabet = ['a', 'b', '1', '2', ' ', '-'];
    const word = (length: number) => Array.from({ length }, () => random.pick(alphabet)).join('');
    for (let round = 0; round < 12; round++) {
      const rows: Array<[string, string]> = Array.from({ length: 1200 + random.int(1500) }, () => [word(3 + random.int(12)), word(random.int(6))]);
      await load(rows);
      const needles: Needle[] = Array.from({ length: 3 + random.int(10) }, () =>
        random.int(3) === 0 ? phone(Array.from({ length: 3 + random.int(3) }, () => random.pick(['1', '2'])).join('')) : text(word(3 + random.int(4)).trim() || 'ab'),
      );
      expect((await probe(needles)).found, `round ${round}`).toEqual(truth(rows, needles));
    }
  });

  it('counts identifiers in every column and weak values only in the changed columns of the subject’s rows', async () => {
    const rows: Array<[string, string]> = [
      ['kept: Ada Lovelace', 'ada@example.com'],
      ['Ada Lovelace', 'call +86 138-0000 0001'],
      ['nothing here', 'Ada Lovelace'],
    ];
    await load(rows, ['u', 'u', 'v']);
    const needles = [text('ada lovelace'), { kind: 'email', value: 'ada@example.com', strong: true } as Needle, phone('13800000001'), text('ada@example.com')];
    // The weak `ada lovelace` is in `a` of both of the subject's rows and in `b` of someone else's;
    // the weak copy of the email only in the subject's `b`, where weak values do not count.
    expect(await scan(needles)).toEqual(new Map([[0, 3], [1, 1], [2, 1]]));
    expect(await scan(needles)).toEqual(counted(rows, ['u', 'u', 'v'], needles));
  });

  it('agrees with reading row by row on random rows, owners and needles', async () => {
    const random = generator(29);
    const alphabet = ['a', 'b', 'A', 'B', '1', '2', ' ', '-', 'a', 'b', '1', '2', '%', '_', 'Ä', 'ä'];
    const word = (length: number) => Array.from({ length }, () => random.pick(alphabet)).join('');
    for (let round = 0; round < 12; round++) {
      const rows: Array<[string, string]> = Array.from({ length: 200 + random.int(800) }, () => [word(3 + random.int(12)), word(random.int(6))]);
      const owners = rows.map(() => random.pick(['u', 'v']));
      await load(rows, owners);
      const needles: Needle[] = Array.from({ length: 3 + random.int(10) }, () =>
        random.int(3) === 0
          ? { ...phone(Array.from({ length: 3 + random.int(3) }, () => random.pick(['1', '2'])).join('')), strong: random.int(2) === 0 }
          : { ...text(word(2 + random.int(3)).trim().toLowerCase() || 'ab'), strong: random.int(2) === 0 },
      );
      expect(await scan(needles), `round ${round}`).toEqual(counted(rows, owners, needles));
    }
  });

  it('counts the kept rows and, in the same reading, every row that may hold an identifier', async () => {
    const random = generator(41);
    const alphabet = ['a', 'b', 'A', 'B', '1', '2', ' ', '-', '(', '.', '%', '_', '@', 'Ä', 'ä'];
    const word = (length: number) => Array.from({ length }, () => random.pick(alphabet)).join('');
    let roundsWithHits = 0;
    for (let round = 0; round < 12; round++) {
      const rows: Array<[string, string]> = Array.from({ length: 200 + random.int(800) }, () => [word(3 + random.int(12)), word(random.int(6))]);
      const owners = rows.map(() => random.pick(['u', 'v']));
      await load(rows, owners);
      const needles: Needle[] = Array.from({ length: 3 + random.int(8) }, () =>
        random.int(2) === 0
          ? { ...phone(Array.from({ length: 3 + random.int(3) }, () => random.pick(['1', '2'])).join('')), strong: random.int(3) > 0 }
          : { kind: 'email', value: word(2 + random.int(3)).trim().toLowerCase() || 'a@', strong: random.int(3) > 0 },
      );
      // Only the subject's rows, and in them only identifiers (strong needles) count: every row
      // that holds one is a suspect, and the statement counts the suspects as the filter says.
      const mine = rows.filter((_, k) => owners[k] === 'u');
      const suspects = mine.filter(([a, b]) => suspect(a, needles) || suspect(b, needles));
      const holding = mine.filter(([a, b]) => needlesInText(`${a}\u0001${b}`.toLowerCase(), needles).some((i) => needles[i].strong));
      for (const row of holding) expect(suspects, `round ${round}`).toContain(row);
      if (holding.length > 0) roundsWithHits += 1;
      expect(await kept(needles), `round ${round}`).toEqual({ rows: mine.length, suspects: suspects.length });
    }
    expect(roundsWithHits).toBeGreaterThan(3);
  });

  it('finds no suspect where no identifier is, and one where an identifier is written in capitals or with separators', async () => {
    const rows: Array<[string, string]> = [
      ['Order 1', '138 0000'],
      ['Gift for ADA@Example.COM', 'x'],
      ['Call', '+86 (138) 0000-0001'],
      ['Product 12', '13800000002'],
    ];
    await load(rows, ['u', 'u', 'u', 'v']);
    const ada = { kind: 'email', value: 'ada@example.com', strong: true } as Needle;
    expect(await kept([ada, phone('13800000001')])).toEqual({ rows: 3, suspects: 2 });
    expect(await kept([phone('13900000009')])).toEqual({ rows: 3, suspects: 0 });
    expect(await kept([text('order 1')])).toEqual({ rows: 3, suspects: 0 });
  });

  it('reads a number column for phones, which a number can hold, and for no other identifier', async () => {
    await test.database.executeSql(`DROP TABLE IF EXISTS ${table}`);
    await test.database.executeSql(`CREATE TABLE ${table} (a text, n bigint, o text)`);
    await test.database.executeSql(`INSERT INTO ${table} (a, n, o) VALUES ('Order 1', 13800000001, 'u'), ('Order 2', 7, 'u'), ('Order 3', 13800000001, 'v')`);
    const ada = { kind: 'email', value: 'ada@example.com', strong: true } as Needle;
    const columns = { all: ['a'], numbers: ['n'] };
    expect(await kept([ada, phone('13800000001')], columns)).toEqual({ rows: 2, suspects: 1 });
    expect(await kept([ada], columns)).toEqual({ rows: 2, suspects: 0 });
    // An email is never a number's text; an identifier of digits and points could be, and is then read in every column.
    expect(numbersHoldOnlyPhones([ada, phone('13800000001'), text('13800000001')])).toBe(true);
    expect(numbersHoldOnlyPhones([{ kind: 'external_id', value: '13800000001', strong: true } as Needle])).toBe(false);
    expect(numbersHoldOnlyPhones([{ kind: 'email', value: '1.5e+10', strong: true } as Needle])).toBe(false);
  });
});
