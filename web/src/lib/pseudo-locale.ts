import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/**
 * A pseudo-locale for development and tests: every English text with accented letters, 40 % longer
 * and in brackets, so a hard-coded string (plain ASCII) or a clipped layout (a missing `]`) shows at
 * a glance. Placeholders, plural selectors and tags are kept intact.
 */
export const PSEUDO_LOCALE = 'en-XA';

const ACCENTS: Record<string, string> = {
  a: 'á', b: 'ƀ', c: 'ç', d: 'ď', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'í', j: 'ĵ', k: 'ķ', l: 'ľ', m: 'ɱ',
  n: 'ñ', o: 'ó', p: 'þ', q: 'ǫ', r: 'ŕ', s: 'š', t: 'ţ', u: 'ú', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
  A: 'Á', B: 'Ɓ', C: 'Ç', D: 'Ď', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Í', J: 'Ĵ', K: 'Ķ', L: 'Ľ', M: 'Ṁ',
  N: 'Ñ', O: 'Ó', P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Ú', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
};

const accent = (text: string) => text.replace(/[A-Za-z]/g, (c) => ACCENTS[c] ?? c);
/** Quotes ICU syntax characters that appear as literal text. */
const literal = (text: string) => text.replace(/'/g, "''").replace(/[{}#<]/g, (c) => `'${c}'`);

function print(elements: MessageFormatElement[]): string {
  return elements
    .map((el) => {
      switch (el.type) {
        case TYPE.literal:
          return literal(accent(el.value));
        case TYPE.argument:
          return `{${el.value}}`;
        case TYPE.number:
        case TYPE.date:
        case TYPE.time:
          return `{${el.value}, ${['', '', 'number', 'date', 'time'][el.type]}${el.style && typeof el.style === 'string' ? `, ${el.style}` : ''}}`;
        case TYPE.pound:
          return '#';
        case TYPE.plural:
        case TYPE.select: {
          const kind = el.type === TYPE.select ? 'select' : el.pluralType === 'ordinal' ? 'selectordinal' : 'plural';
          const options = Object.entries(el.options).map(([key, option]) => `${key} {${print(option.value)}}`);
          return `{${el.value}, ${kind}, ${options.join(' ')}}`;
        }
        case TYPE.tag:
          return `<${el.value}>${print(el.children)}</${el.value}>`;
        default:
          return '';
      }
    })
    .join('');
}

/** One message: accented, padded to 140 % of its visible length, bracketed. */
export function pseudoMessage(message: string): string {
  let elements: MessageFormatElement[];
  try {
    elements = parse(message, { requiresOtherClause: false });
  } catch {
    // A `<` that is not a tag: read the message with tags as plain text.
    elements = parse(message, { ignoreTag: true, requiresOtherClause: false });
  }
  const visible = message.replace(/\{[^{}]*\}/g, '').length;
  const padding = '·'.repeat(Math.max(1, Math.round(visible * 0.4)));
  return `[${print(elements)}${padding}]`;
}

type Tree = { [key: string]: unknown };

export function pseudoLocalize(tree: Tree): Tree {
  const out: Tree = {};
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out[key] = pseudoMessage(value);
    else if (Array.isArray(value)) out[key] = value.map((v) => (typeof v === 'string' ? pseudoMessage(v) : v));
    else if (value && typeof value === 'object') out[key] = pseudoLocalize(value as Tree);
    else out[key] = value;
  }
  return out;
}
