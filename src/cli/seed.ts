import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { closeContext } from '../app/create-context.ts';
import { seedMarketplace, SYNTHETIC_PASSWORD } from '../shop/synthetic/seed-marketplace.ts';
import { startContext } from './startup.ts';

const positiveInt = (name: string, raw: string | undefined, fallback?: number, min = 1): number | undefined => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name}: expected a whole number${min > 0 ? ' above 0' : ''}, got ${JSON.stringify(raw)}`);
  return value;
};

/**
 * `adieu seed --buyers N [--seed S] [--heavy-buyers K] [--batch B]`: a deterministic synthetic
 * marketplace. A progress bar on a terminal, plain lines otherwise (CI logs, pipes).
 */
export async function seedCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { buyers: { type: 'string' }, seed: { type: 'string' }, 'heavy-buyers': { type: 'string' }, batch: { type: 'string' } },
    strict: true,
  });
  const buyers = positiveInt('buyers', values.buyers);
  if (buyers === undefined) {
    process.stderr.write('Usage: adieu seed --buyers N [--seed S] [--heavy-buyers K] [--batch B]\n');
    return 1;
  }
  const seed = positiveInt('seed', values.seed, undefined, 0);
  const heavyBuyers = positiveInt('heavy-buyers', values['heavy-buyers'], undefined, 0);
  const batchSize = positiveInt('batch', values.batch);

  const ctx = await startContext({});
  const started = Date.now();
  const tty = process.stdout.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar({ format: 'seeding {bar} {value}/{total} buyers | {percentage}% | ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  let lastReported = 0;
  try {
    bar?.start(buyers, 0);
    const summary = await seedMarketplace(ctx, {
      buyers,
      seed,
      heavyBuyers,
      batchSize,
      onProgress(done, total) {
        if (bar) bar.update(done);
        else if (done === total || done - lastReported >= Math.max(total / 10, 1)) {
          lastReported = done;
          process.stdout.write(`seeded ${done}/${total} buyers (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
        }
      },
    });
    bar?.stop();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const rows = Object.entries(summary.rows)
      .map(([table, n]) => `${table} ${n}`)
      .join(', ');
    process.stdout.write(`seeded ${summary.buyers} buyers (${summary.heavyBuyers} heavy) into the ${ctx.database.kind} database in ${seconds} s\n`);
    process.stdout.write(`rows: ${rows}\n`);
    const { keysMs, generateMs, writeMs } = summary.timings;
    process.stdout.write(`time: waiting for keys and encryption ${(keysMs / 1000).toFixed(1)} s, generating ${(generateMs / 1000).toFixed(1)} s, writing ${(writeMs / 1000).toFixed(1)} s\n`);
    process.stdout.write(`every synthetic buyer signs in with the password ${SYNTHETIC_PASSWORD}\n`);
    return 0;
  } finally {
    bar?.stop();
    await closeContext(ctx);
  }
}
