import type { CheckResult } from './check-result.ts';

const MARK = { ok: 'ok', warning: 'WARNING', failure: 'FAILURE' } as const;

/** The report: one line per check, columns aligned, the remedy after the finding. */
export function formatTable(results: CheckResult[]): string {
  const statusWidth = Math.max(...results.map((r) => MARK[r.status].length), 'STATUS'.length);
  const checkWidth = Math.max(...results.map((r) => r.check.length), 'CHECK'.length);
  const lines = [`${'STATUS'.padEnd(statusWidth)}  ${'CHECK'.padEnd(checkWidth)}  RESULT — WHAT TO DO`];
  for (const r of results) {
    const text = r.remedy ? `${r.detail} — ${r.remedy}` : r.detail;
    lines.push(`${MARK[r.status].padEnd(statusWidth)}  ${r.check.padEnd(checkWidth)}  ${text.replace(/\s+/g, ' ')}`);
  }
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  lines.push('', `${count('ok')} ok, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('failure')} failure${count('failure') === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
