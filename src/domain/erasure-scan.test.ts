import { describe, expect, it } from 'vitest';
import { buildProbeSql, buildScanSql, caseStablePattern, emailNeedle, likeContains, needlesInText, needlesJson, needlesProbeJson, phoneNeedle, weakNeedle } from './erasure-scan.ts';

describe('the verification scan', () => {
  it('escapes LIKE wildcards, so an underscore in an email matches only itself', () => {
    expect(likeContains('a_b%c\\d')).toBe('%a\\_b\\%c\\\\d%');
  });

  it('normalises needles and leaves out short weak values', () => {
    expect(emailNeedle(' Ada@Example.com ')).toEqual({ kind: 'email', value: 'ada@example.com', strong: true });
    expect(phoneNeedle('138 0000 0001')).toEqual({ kind: 'phone', value: '13800000001', strong: true });
    expect(weakNeedle('name', 'Ada')).toBeNull();
    expect(weakNeedle('name', 'Ada Lovelace')).toEqual({ kind: 'name', value: 'ada lovelace', strong: false });
  });

  it('matches phones on their digits however they are written, everything else on lower-case text', () => {
    expect(needlesJson([emailNeedle('a@b.cn'), phoneNeedle('138000')!])).toBe(
      `[["%a@b.cn%","%a@b.cn%","%@%.%",false,true],["1[ ().+/-]*3[ ().+/-]*8[ ().+/-]*0[ ().+/-]*0[ ().+/-]*0","%1%3%8%0%0%0%","%1%3%8%0%0%0%",true,true]]`,
    );
    expect(needlesInText('to: a@b.cn', [emailNeedle('a@b.cn')])).toEqual([0]);
    const phone = phoneNeedle('13800000001')!;
    for (const written of ['+8613800000001', '+86 138 0000 0001', '(138) 0000-0001', '138.0000.0001']) expect(needlesInText(written, [phone])).toEqual([0]);
    for (const other of ['138 0000 0002', '138a0000b0001', '1380000000']) expect(needlesInText(other, [phone])).toEqual([]);
  });

  it('filters rows before lower-casing them by the characters lower-casing leaves alone', () => {
    expect(caseStablePattern('ada.o_k+1@mail.com')).toBe('%.%\\_%+%1%@%.%');
    expect(caseStablePattern('lovelace')).toBe('%%');
    expect(caseStablePattern('50% off')).toBe('%5%0%\\%% %');
    expect(caseStablePattern('zoë 7')).toBe('% %7%');
  });

  it('matches weak needles in the subject’s rows only in the columns the erasure changes, identifiers in all', () => {
    const path = { hops: [], identity: { table: 'shop.orders', column: 'buyer_id', kind: 'user_id' as const } };
    const built = buildScanSql({ table: 'shop.orders', columns: ['buyer_id', 'note'], weak: { path, columns: ['note'] } });
    expect(built.text).toContain(`concat_ws(chr(1), t."buyer_id"::text, t."note"::text) AS raw, CASE WHEN (t."buyer_id" = $1) IS TRUE THEN concat_ws(chr(1), t."note"::text) ELSE concat_ws(chr(1), t."buyer_id"::text, t."note"::text) END AS wraw`);
    expect(built.text).toContain('CASE WHEN n.s THEN r.txt ELSE r.wtxt END');
    expect(built.params).toEqual([{ ref: 'user_id' }, { ref: 'needles_json' }]);
  });

  it('reads only the subject’s rows, by the reach path, when the scope is the subject', () => {
    const path = { hops: [], identity: { table: 'shop.orders', column: 'buyer_id', kind: 'user_id' as const } };
    const built = buildScanSql({ table: 'shop.orders', columns: ['buyer_id', 'note'], only: path });
    expect(built.text).toContain(`SELECT concat_ws(chr(1), t."buyer_id"::text, t."note"::text) AS raw FROM "shop"."orders" AS t WHERE t."buyer_id" = $1 OFFSET 0)`);
    expect(built.text).not.toContain('wtxt');
    const weak = buildScanSql({ table: 'shop.orders', columns: ['buyer_id', 'note'], only: path, weak: { path, columns: ['note'] } });
    expect(weak.text).not.toContain('CASE WHEN (t.');
    expect(weak.text).toContain(`concat_ws(chr(1), t."note"::text) AS wraw`);
  });

  it('leaves the subject’s own rows out at the start of a run', () => {
    const path = { hops: [], identity: { table: 'shop.orders', column: 'buyer_id', kind: 'user_id' as const } };
    const probe = buildProbeSql({ table: 'shop.orders', columns: ['buyer_id', 'note'], exceptSubject: path });
    expect(probe.text).toContain(`FROM "shop"."orders" AS t WHERE (t."buyer_id" = $1) IS NOT TRUE)`);
    expect(probe.params).toEqual([{ ref: 'user_id' }, { ref: 'needles_probe' }]);
  });

  it('gives the first pass each needle as a regular expression, text taken literally, phones as in the row-by-row pass', () => {
    const needles = [emailNeedle('a.b+c@d.cn'), weakNeedle('other', 'x[1]*(y)|z')!, phoneNeedle('138000')!];
    const json = JSON.parse(needlesProbeJson(needles)) as Array<[string, string, boolean]>;
    expect(json).toEqual([
      [String.raw`a\.b\+c\@d\.cn`, 'a.b+c@d.cn', false],
      [String.raw`x\[1\]\*\(y\)\|z`, 'x[1]*(y)|z', false],
      ['1[ ().+/-]*3[ ().+/-]*8[ ().+/-]*0[ ().+/-]*0[ ().+/-]*0', '138000', true],
    ]);
    const any = new RegExp(json.map(([re]) => re).join('|'));
    expect(any.test('mail a.b+c@d.cn')).toBe(true);
    expect(any.test('mail aXb+c@d.cn')).toBe(false);
    expect(any.test('x[1]*(y)|z')).toBe(true);
    expect(any.test('call 1-38 (000)')).toBe(true);
  });
});
