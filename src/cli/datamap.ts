import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { closeContext } from '../app/create-context.ts';
import { checkDataMapCoverage, discoverStore } from '../erasure/datamap-check.ts';
import { startContext } from './startup.ts';
import { closeStoreConnections } from '../erasure/store-connection.ts';

const USAGE = `Usage: adieu datamap check                         exit 1 naming every column the data map misses
       adieu datamap discover --store NAME [--out FILE]   a draft data map of a configured store
`;

/** Writes the draft (stdout or a file) and a summary; sampled values are never printed. */
async function discoverCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { store: { type: 'string' }, out: { type: 'string' } }, strict: true });
  if (!values.store) {
    process.stderr.write(USAGE);
    return 1;
  }
  const ctx = await startContext({});
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'sampling columns [{bar}] {value}/{total}' }, cliProgress.Presets.shades_classic) : null;
  try {
    let started = false;
    const draft = await discoverStore(ctx, values.store, (done, total) => {
      if (bar && !started) bar.start(total, 0);
      started = true;
      bar?.update(done);
    });
    bar?.stop();
    if (values.out) writeFileSync(values.out, draft.yaml);
    else process.stdout.write(draft.yaml);
    const personal = draft.entries.filter((e) => e.verdict.personal).length;
    process.stderr.write(`${draft.entries.length} columns, ${personal} look personal${values.out ? `; draft written to ${values.out}` : ''}\n`);
    return 0;
  } finally {
    bar?.stop();
    await closeContext(ctx);
    // Idle MySQL connections would keep the process alive.
    await closeStoreConnections();
  }
}

/** `adieu datamap check`, for a platform's own CI: the map against every configured store's live schema. */
export async function datamapCommand(args: string[]): Promise<number> {
  if (args[0] === 'discover') return discoverCommand(args.slice(1));
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
    // Idle MySQL connections would keep the process alive.
    await closeStoreConnections();
  }
}
