import { parseArgs } from 'node:util';
import { closeContext } from '../app/create-context.ts';
import { dryRunErasure } from '../erasure/dry-run.ts';
import { startContext } from './startup.ts';

const USAGE = 'Usage: adieu erase --dry-run SUBJECT [--json]   (SUBJECT: a user id or a subject id)\n';

/**
 * `adieu erase --dry-run SUBJECT`: the erasure plan for one buyer, in order, with how many of their
 * rows each table step would touch now. Changes nothing. (A real erasure only starts from an
 * approved application whose grace period ended.)
 */
export async function eraseCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
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
