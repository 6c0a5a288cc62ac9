import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { failure, ok, warning, type CheckResult } from '../check-result.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const human = (bytes: number) => (bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.round(bytes / MiB)} MiB`);

/**
 * Free space where the data directory lives (ID photos, the embedded database, the dev mailbox):
 * a full disk fails uploads and, on the embedded database, every write.
 */
export async function checkDisk(dataDir: string): Promise<CheckResult> {
  let dir = dataDir;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const stats = await statfs(dir);
  const free = stats.bavail * stats.bsize;
  const share = stats.blocks > 0 ? stats.bavail / stats.blocks : 0;
  const detail = `${human(free)} free (${Math.round(share * 100)} %) at ${dataDir}${dir === dataDir ? '' : ' (not created yet)'}`;
  const remedy = 'free space or move ADIEU_DATA_DIR to a larger disk';
  if (free < 256 * MiB) return failure('free disk', detail, remedy);
  if (free < GiB || share < 0.05) return warning('free disk', detail, remedy);
  return ok('free disk', detail);
}
