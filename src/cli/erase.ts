import { parseArgs } from 'node:util';
import { closeContext } from '../app/create-context.ts';
import { dryRunErasure } from '../erasure/dry-run.ts';
import { reapplyErasures, type ReapplyReport } from '../erasure/reapply.ts';
import { startContext } from './startup.ts';
import { ERASURE_HOOKS } from '../app/job-handlers.ts';

const USAGE =
  'Usage: adieu erase --dry-run SUBJECT [--json]   (SUBJECT: a user id or a subject id)\n' +
  '       adieu erase --reapply --since DATE [--json]   (after a restore: DATE is when the restored backup was taken, e.g. 2026-11-30 or 2026-11-30T02:00:00Z)\n';

/** An ISO date or date-time; a bare date is midnight UTC. Null when it is not one. */
export function parseSince(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return null;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * `adieu erase --dry-run SUBJECT`: the erasure plan for one buyer, in order, with how many of their
 * rows each table step would touch now. Changes nothing. (A real erasure only starts from an
 * approved application whose grace period ended.)
 *
 * `adieu erase --reapply --since DATE`: after restoring a backup taken at DATE, erases again every
 * subject the forget list says was erased since, and verifies each. Exit 1 when one failed.
 */
export async function eraseCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'dry-run': { type: 'boolean' }, reapply: { type: 'boolean' }, since: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.reapply) {
    const since = values.since ? parseSince(values.since) : null;
    if (positionals.length > 0 || values['dry-run'] || !since) {
      process.stderr.write(values.since && !since ? `adieu: --since: "${values.since}" is not a date (YYYY-MM-DD or an ISO date-time)\n` : USAGE);
      return 1;
    }
    return reapply(since, values.json ?? false);
  }
  if (!values['dry-run'] || positionals.length !== 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  const ctx = await startContext({});
  try {
    const preview = await dryRunErasure(ctx, positionals[0]);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(preview, null, 2)}\n`);
      return 0;
    }
    const out: string[] = [`Dry run: erasure of subject ${preview.subject} (account ${preview.userId}, ${preview.status}). Nothing is changed.`, ''];
    const width = Math.max(...preview.steps.map((s) => `${s.store}:${s.table}`.length), 10);
    for (const step of preview.steps) {
      const where = `${step.store}:${step.table}`.padEnd(width);
      out.push(`${String(step.seq).padStart(3)}  ${where}  ${step.action.padEnd(20)}${step.rows === null ? '' : `${step.rows} row${step.rows === 1 ? '' : 's'}`}`);
    }
    out.push('', `Totals: ${Object.entries(preview.totals).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing'}`);
    out.push(`Downstream receivers: ${preview.downstream.join(', ') || 'none configured'}`);
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await closeContext(ctx);
  }
}

async function reapply(since: Date, json: boolean): Promise<number> {
  const ctx = await startContext({});
  try {
    const report = await reapplyErasures(ctx, ERASURE_HOOKS, since);
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.failed > 0 ? 1 : 0;
  } finally {
    await closeContext(ctx);
  }
}

function formatReport(report: ReapplyReport): string {
  const out = [`Re-applying the erasures started since ${report.since}: ${report.onList} on the forget list.`, ''];
  for (const s of report.subjects) {
    const who = s.subjectId ?? `${s.subjectHash.slice(0, 16)}…`;
    const detail =
      s.outcome === 'reapplied'
        ? `${s.steps} steps, ${s.rows} rows, verified`
        : s.outcome === 'absent'
          ? 'not in the restored database (nothing of theirs was restored there)'
          : s.error
            ? `FAILED: ${s.error}`
            : `FAILED verification: ${s.found.join('; ')}`;
    out.push(`  ${s.outcome.padEnd(9)} ${who}  (erased from ${s.startedAt})  ${detail}`);
  }
  out.push('', `Reapplied ${report.reapplied}, absent ${report.absent}, failed ${report.failed}.`);
  return `${out.join('\n')}\n`;
}
