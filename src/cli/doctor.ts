import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { runDoctor } from '../doctor/run-doctor.ts';
import { formatTable } from '../doctor/format-table.ts';

/**
 * `adieu doctor [--json]`: checks the configuration and everything it connects to, one line per
 * check. Exit 0 when nothing failed (warnings allowed), 1 otherwise, so a deploy can be gated on it.
 */
export async function doctorCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const results = await runDoctor(loadConfig({}));
  process.stdout.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : formatTable(results));
  return results.some((r) => r.status === 'failure') ? 1 : 0;
}
