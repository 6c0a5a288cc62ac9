import { closeContext } from '../app/create-context.ts';
import { verifyAuditChain } from '../audit/audit-log.ts';
import { startContext } from './startup.ts';

export async function auditCommand(args: string[]): Promise<number> {
  if (args[0] !== 'verify') {
    process.stderr.write('Usage: adieu audit verify\n');
    return 1;
  }
  const ctx = await startContext({});
  try {
    const verdict = await verifyAuditChain(ctx.db);
    if (verdict.intact) {
      process.stdout.write(`audit chain intact: ${verdict.entries} entries\n`);
      return 0;
    }
    process.stdout.write(`audit chain BROKEN at entry ${verdict.firstBadSeq}: ${verdict.reason}\n`);
    return 1;
  } finally {
    await closeContext(ctx);
  }
}
