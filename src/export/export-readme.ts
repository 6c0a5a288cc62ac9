import type { ExportTable } from '../domain/export-datamap.ts';
import { textDirection } from '../domain/locales.ts';
import { NOTIFY_MESSAGES, type Locale } from '../notify/render.ts';

type Translate = (key: string, values?: Record<string, string>) => string;

/** The export's texts live with the mail texts (`notify/locales/export.*`); a missing one is ''. */
const translator =
  (locale: Locale): Translate =>
  (key, values = {}) =>
    NOTIFY_MESSAGES.has(locale, key) || NOTIFY_MESSAGES.has('en', key) ? NOTIFY_MESSAGES.format(locale, key, values) : '';

export interface ReadmeInput {
  locale: Locale;
  generatedAt: Date;
  jwksUrl: string;
  tables: Array<{ table: ExportTable; rows: number; files: string[] }>;
  documents: string[];
}

/** The text key of a table's description: `public.users` → `export_tables.public_users`. */
export const tableTextKey = (table: string): string => `export_tables.${table.replace('.', '_')}`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * What a column means, in plain words: its own text, else what its name says (a time, an
 * identifier, an amount), else its name. Texts live with the mail texts (`notify/locales/export.*`).
 */
function explainColumn(t: Translate, column: string): string {
  const text = t(`export_columns.${column}`);
  if (text) return text;
  if (column.endsWith('_at')) return t('export_suffix.at');
  if (column.endsWith('_minor')) return t('export_suffix.minor');
  if (column.endsWith('_id')) return t('export_suffix.id');
  return column.replace(/_/g, ' ');
}

/** `README.html` of an export, in the buyer's language: what each file holds and what each column means. */
export function renderReadme(input: ReadmeInput): string {
  const t = translator(input.locale);
  const e = (key: string, vars?: Record<string, string>) => escapeHtml(t(key, vars));
  const sections = input.tables.map(({ table, rows, files }) => {
    const description = t(tableTextKey(table.table));
    const columns = table.columns.map((c) => `<tr><td><code>${escapeHtml(c.name)}</code></td><td>${escapeHtml(explainColumn(t, c.name))}</td></tr>`).join('');
    return [
      `<section><h3><code>${escapeHtml(table.table)}</code></h3>`,
      description ? `<p>${escapeHtml(description)}</p>` : '',
      `<p>${e('export_readme.store', { store: table.store.title ?? table.store.store })} · ${e('export_readme.rows')}: ${rows} · ${files.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}</p>`,
      `<table><thead><tr><th>${e('export_readme.column')}</th><th>${e('export_readme.meaning')}</th></tr></thead><tbody>${columns}</tbody></table></section>`,
    ].join('');
  });
  const documents = input.documents.length
    ? `<p>${e('export_readme.documents')}</p><ul>${input.documents.map((d) => `<li><code>${escapeHtml(d)}</code></li>`).join('')}</ul>`
    : `<p>${e('export_readme.noDocuments')}</p>`;
  return [
    `<!doctype html><html lang="${escapeHtml(input.locale)}" dir="${textDirection(input.locale)}"><head><meta charset="utf-8"><title>${e('export_readme.title')}</title>`,
    '<style>body{font-family:sans-serif;line-height:1.5;max-width:60em;margin:2em auto;padding:0 1em;color:#1d2433}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:2px 8px;text-align:start}</style></head><body>',
    `<h1>${e('export_readme.title')}</h1>`,
    `<p>${e('export_readme.intro', { generatedAt: input.generatedAt.toISOString() })}</p>`,
    `<h2>${e('export_readme.proofTitle')}</h2><p>${e('export_readme.proof', { jwksUrl: input.jwksUrl })}</p>`,
    `<h2>${e('export_readme.filesTitle')}</h2><p>${e('export_readme.formats')}</p><p>${e('export_readme.timesNote')}</p>`,
    ...sections,
    `<h2>${e('export_readme.documentsTitle')}</h2>${documents}`,
    '</body></html>',
  ].join('\n');
}
