import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DATAMAP_DIR, readDataMap } from './datamap.ts';

// The data map is read with js-yaml (faster at start-up); it must read exactly what `yaml`, the
// parser the map was written against, reads.
const files = readdirSync(DATAMAP_DIR).filter((f) => f.endsWith('.yaml'));

describe('data map YAML parser', () => {
  it('finds the bundled files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s: js-yaml reads what yaml reads', (file) => {
    const text = readFileSync(join(DATAMAP_DIR, file), 'utf8');
    expect(load(text, { schema: CORE_SCHEMA })).toStrictEqual(parse(text));
  });

  it('keeps scalars the core schema leaves as strings (dates, yes/no)', () => {
    const text = 'a: 2024-01-31\nb: yes\nc: 0o17\nd: ~\ne: "1"\n';
    expect(load(text, { schema: CORE_SCHEMA })).toStrictEqual(parse(text));
    expect(load(text, { schema: CORE_SCHEMA })).toStrictEqual({ a: '2024-01-31', b: 'yes', c: 15, d: null, e: '1' });
  });

  it('refuses a duplicate key, as yaml does', () => {
    expect(() => load('a: 1\na: 2\n', { schema: CORE_SCHEMA })).toThrow();
    expect(() => parse('a: 1\na: 2\n')).toThrow();
  });

  it('the bundled map reads and checks', () => {
    expect(readDataMap().stores.length).toBe(files.length);
  });
});
