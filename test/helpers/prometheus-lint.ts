/**
 * The naming rules `promtool check metrics` applies (Prometheus's promlint), re-stated so CI checks
 * them without installing Prometheus, plus Adieu's own: one `adieu_` prefix, never doubled.
 * Returns one line per problem; empty when the exposition is clean.
 */
const BASE_UNITS = ['amperes', 'bytes', 'celsius', 'grams', 'joules', 'kelvin', 'meters', 'metres', 'seconds', 'volts'];
const UNIT_PREFIXES = ['pico', 'nano', 'micro', 'milli', 'centi', 'deci', 'deca', 'hecto', 'kilo', 'kibi', 'mega', 'mibi', 'giga', 'gibi', 'tera', 'tebi', 'peta', 'pebi'];
const UNIT_ABBREVIATIONS = ['s', 'ms', 'us', 'ns', 'sec', 'b', 'kb', 'mb', 'gb', 'tb', 'pb', 'm', 'h', 'd'];

const hasPart = (name: string, part: string) => name.includes(`_${part}_`) || name.endsWith(`_${part}`);

interface Family {
  type?: string;
  help?: string;
  labels: Set<string>;
}

function families(text: string): Map<string, Family> {
  const found = new Map<string, Family>();
  const family = (name: string) => found.get(name) ?? found.set(name, { labels: new Set() }).get(name)!;
  const ofSample = (name: string) => {
    for (const suffix of ['_bucket', '_count', '_sum', '']) {
      const base = suffix ? name.slice(0, -suffix.length) : name;
      if (name.endsWith(suffix) && (suffix === '' || ['histogram', 'summary'].includes(found.get(base)?.type ?? ''))) return base;
    }
    return name;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') family(meta[2]).type = meta[3];
      else family(meta[2]).help = meta[3];
      continue;
    }
    const sample = /^([^\s{#]+)(?:\{(.*)\})? \S+/.exec(line);
    if (!sample) continue;
    const f = family(ofSample(sample[1]));
    for (const [, label] of (sample[2] ?? '').matchAll(/([^\s=,{}]+)="(?:[^"\\]|\\.)*"/g)) f.labels.add(label);
  }
  return found;
}

export function lintMetrics(text: string, prefix = 'adieu_'): string[] {
  const problems: string[] = [];
  for (const [name, f] of families(text)) {
    const say = (problem: string) => problems.push(`${name}: ${problem}`);
    const type = f.type ?? 'untyped';
    if (!f.help) say('no help text');
    if (type === 'counter' && !name.endsWith('_total')) say('counter metrics should have "_total" suffix');
    if (type !== 'counter' && name.endsWith('_total')) say('non-counter metrics should not have "_total" suffix');
    if (!['histogram', 'summary'].includes(type) && /_(count|sum|bucket)$/.test(name)) say('non-histogram and non-summary metrics should not have "_count", "_sum" or "_bucket" suffixes');
    if (type !== 'histogram' && f.labels.has('le')) say('non-histogram metrics should not have "le" label');
    if (type !== 'summary' && f.labels.has('quantile')) say('non-summary metrics should not have "quantile" label');
    if (hasPart(name, type)) say(`metric name should not include type '${type}'`);
    if (name.includes(':')) say("metric names should not contain ':'");
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) say('metric names should be written in snake_case not camelCase');
    for (const label of f.labels) if (!/^[a-z_][a-z0-9_]*$/.test(label)) say(`label names should be written in snake_case not camelCase: ${label}`);
    for (const unit of BASE_UNITS) {
      for (const p of UNIT_PREFIXES) if (hasPart(name, p + unit)) say(`use base unit "${unit}" instead of "${p}${unit}"`);
    }
    for (const abbreviation of UNIT_ABBREVIATIONS) if (hasPart(name, abbreviation)) say(`metric names should not contain abbreviated units: ${abbreviation}`);
    // Adieu's own rules: every name under one prefix, and no part of a name said twice in a row.
    if (!name.startsWith(prefix)) say(`should start with "${prefix}"`);
    const parts = name.split('_');
    if (parts.some((part, i) => i > 0 && part === parts[i - 1])) say('a doubled part in the name (a prefix applied twice?)');
  }
  return problems;
}
