import { closeContext } from '../context.ts';
import { checkDataMapCoverage } from '../erasure/datamap-check.ts';
import { startContext } from './startup.ts';

const USAGE = 'Usage: adieu datamap check   (exit 1 naming every column the data map neither maps nor declares non-personal)\n';

/** `adieu datamap check`, for a platform's own CI: the map against every configured store's live schema. */
export async function datamapCommand(args: string[]): Promise<number> {
  if (args[0] !== 'check' || args.length !== 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  const ctx = await startContext({});
  try {
    const report = await checkDataMapCoverage(ctx);
    let bad = 0;
    for (const entry of report) {
      for (const column of entry.unmapped) {
        bad += 1;
        process.stdout.write(`${entry.stores.join(',')}: ${column} is neither mapped nor declared non-personal\n`);
      }
      for (const column of entry.stale) {
        bad += 1;
        process.stdout.write(`${entry.stores.join(',')}: ${column} is mapped but not in the database\n`);
      }
    }
    if (bad === 0) process.stdout.write(`data map covers every column of ${report.length} database${report.length === 1 ? '' : 's'}\n`);
    return bad === 0 ? 0 : 1;
  } finally {
    await closeContext(ctx);
  }
}
