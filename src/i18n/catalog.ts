import { readdirSync, readFileSync } from 'node:fs';
import { IntlMessageFormat, type Formats } from 'intl-messageformat';
import { fallbackChain } from '../domain/locales.ts';

type Tree = { [key: string]: unknown };
export type MessageValues = Record<string, string | number | Date>;

function flatten(tree: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out[`${prefix}${key}`] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) flatten(value as Tree, `${prefix}${key}.`, out);
  }
  return out;
}

/** How a message shows its dates: in which zone, and whether to the minute. */
export interface DateStyle {
  /** IANA zone: the buyer's, or UTC for a bare calendar day so it never shifts. */
  timeZone?: string;
  /** An instant (a deadline) is shown with its time and zone; a calendar day is a date alone. */
  withTime?: boolean;
}

/** Dates in messages: `{dueDate, date, long}`, in the zone and style the caller asks for. */
const dateFormats = ({ timeZone = 'UTC', withTime = false }: DateStyle): Partial<Formats> => {
  const time = withTime ? ({ hour: 'numeric', minute: 'numeric', timeZoneName: 'short' } as const) : {};
  return {
    date: {
      short: { year: 'numeric', month: 'numeric', day: 'numeric', timeZone, ...time },
      medium: { year: 'numeric', month: 'short', day: 'numeric', timeZone, ...time },
      long: { year: 'numeric', month: 'long', day: 'numeric', timeZone, ...time },
    },
    time: { short: { hour: 'numeric', minute: 'numeric', timeZone } },
  };
};

/**
 * ICU messages (plurals, numbers, money, dates through `Intl`) read from JSON files named
 * `<locale>.json` or `<feature>.<locale>.json`. A key missing in a locale is looked up along its
 * fallback chain (`pt-BR` → `pt` → `en`).
 */
export class MessageCatalog {
  private readonly compiled = new Map<string, IntlMessageFormat>();

  constructor(private readonly messages: Map<string, Record<string, string>>) {}

  static fromDirectory(dir: string): MessageCatalog {
    const messages = new Map<string, Record<string, string>>();
    for (const file of readdirSync(dir).sort()) {
      const match = /^(?:[\w-]+\.)?([a-z]{2}(?:-[A-Z]{2})?)\.json$/.exec(file);
      if (!match) continue;
      const tree = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Tree;
      messages.set(match[1], { ...(messages.get(match[1]) ?? {}), ...flatten(tree) });
    }
    return new MessageCatalog(messages);
  }

  locales(): string[] {
    return [...this.messages.keys()];
  }

  /** The raw messages of one locale, without fallback (for tests and tools). */
  raw(locale: string): Record<string, string> {
    return this.messages.get(locale) ?? {};
  }

  /** The locale (along the fallback chain) that has the key, if any. */
  private resolve(locale: string, key: string): string | null {
    return fallbackChain(locale).find((l) => this.messages.get(l)?.[key] !== undefined) ?? null;
  }

  has(locale: string, key: string): boolean {
    return this.resolve(locale, key) !== null;
  }

  format(locale: string, key: string, values: MessageValues = {}, style: DateStyle = {}): string {
    const from = this.resolve(locale, key);
    if (!from) throw new Error(`no message ${key}`);
    const cacheKey = `${from}\u0000${key}\u0000${style.timeZone ?? 'UTC'}\u0000${style.withTime ? 1 : 0}`;
    let message = this.compiled.get(cacheKey);
    if (!message) {
      // Plural rules and number formats are those of the language the text is written in.
      message = new IntlMessageFormat(this.messages.get(from)![key], from, dateFormats(style), { ignoreTag: true });
      this.compiled.set(cacheKey, message);
    }
    return String(message.format(values));
  }
}
