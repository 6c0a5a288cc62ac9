import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/test-databases.ts';
import { ASCII_LOWER, buildProbeSql, needlesInText, type Needle } from '../../src/domain/erasure-scan.ts';
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

/**
 * The scan's first pass run on the database: every needle its rows hold, however the needles'
 * matches overlap or hide one another, and no needle they do not hold.
 */
describe.each(DATABASE_KINDS)('the first pass of the verification scan (%s)', (kind) => {
  let test: TestDatabase;
  const table = `public.scan_probe_${kind}`;
  beforeAll(async () => {
    test = await createTestDatabase(kind);
  });
  afterAll(() => test.drop());

  const load = async (rows: Array<[string, string]>) => {
    await test.database.executeSql(`DROP TABLE IF EXISTS ${table}`);
    await test.database.executeSql(`CREATE TABLE ${table} (a text, b text)`);
    await test.database.executeSql(`INSERT INTO ${table} (a, b) SELECT x->>0, x->>1 FROM jsonb_array_elements($1::jsonb) AS x`, [JSON.stringify(rows)]);
  };
  const probe = async (needles: Needle[]) => {
    const built = buildProbeSql({ table, columns: ['a', 'b'] });
    const result = (await test.database.executeSql(built.text, resolveParams(built.params, { userId: 'u', subjectId: 's', now: new Date(), needles }))) as RawResult;
    const rows = result.rows as Array<{ i: number | null; n: number | null; stuck: boolean }>;
    expect(rows.some((r) => r.stuck)).toBe(false);
    return { rows: Number(rows.find((r) => r.i === null)!.n), found: rows.filter((r) => r.i !== null).map((r) => Number(r.i) - 1).sort((x, y) => x - y) };
  };
  /** What reading the rows one by one finds (the scan's row-by-row pass, in JavaScript). */
  const truth = (rows: Array<[string, string]>, needles: Needle[]) => {
    const found = new Set<number>();
    for (const [a, b] of rows) for (const i of needlesInText(`${a}\u0001${b}`.toLowerCase(), needles)) found.add(i);
    return [...found].sort((x, y) => x - y);
  };

  it('finds a needle hidden inside or overlapping another one’s match, in any group of rows', async () => {
    const filler: Array<[string, string]> = Array.from({ length: 2500 }, (_, k) => [`Product ${k % 997}`, `${k}`]);
    // `product 1` only ever inside `product 12…` (every group has one); `road 77 east` starts inside `7 bench road`.
    filler[1800] = ['7 Bench Road 77 East', 'call +86 138-0000 0001'];
    await load(filler);
    const needles = [text('product 12'), text('product 1'), text('7 bench road'), text('road 77 east'), phone('13800000001'), text('8-0000 0'), text('no such value'), phone('13900000002')];
    const found = await probe(needles);
    expect(found.rows).toBe(2500);
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
});
