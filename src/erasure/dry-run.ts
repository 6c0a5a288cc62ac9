import { eq, or } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { users } from '../accounts/accounts.tables.ts';
import { describeStep, planErasure } from '../domain/erasure-plan.ts';
import { buildCountSql } from '../domain/erasure-sql.ts';
import { dataMap } from './datamap.ts';
import { connectStore } from './store-connection.ts';
import { itemConnector, storeConnector } from './connectors/connector.ts';
import { resolveParams } from './params.ts';
import { subjectIdentities } from './subject-identities.ts';

export interface DryRun {
  userId: string;
  subject: string;
  status: string;
  steps: Array<{ seq: number; kind: string; store: string; table: string; action: string; rows: number | null }>;
  totals: Record<string, number>;
  downstream: string[];
}

/**
 * What erasing a buyer would do, without doing it: the plan in order, and for every table step
 * how many of the buyer's rows it would touch now. `subject` is a user id or a subject id.
 */
export async function dryRunErasure(ctx: AppContext, subject: string): Promise<DryRun> {
  const [user] = await ctx.db
    .select({ id: users.id, subjectId: users.subjectId, status: users.status, emailEnc: users.emailEnc, phoneEnc: users.phoneEnc })
    .from(users)
    .where(or(eq(users.id, subject), eq(users.subjectId, subject)))
    .limit(1);
  if (!user) throw new AppError('NOT_FOUND', {}, { message: 'No account has this user id or subject id.' });
  const map = dataMap(ctx.config);
  const plan = planErasure(map);
  // Tables keyed by the platform's id or a contact are counted by those (while the buyer's key exists).
  const identities = await subjectIdentities(ctx, user);
  const stores = new Map(map.stores.filter((s) => Object.keys(s.tables).length > 0).map((s) => [s.store, storeConnector(ctx, s) ?? connectStore(ctx, s)]));
  const steps: DryRun['steps'] = [];
  const totals: Record<string, number> = {};
  for (const [seq, step] of plan.steps.entries()) {
    const label = describeStep(step);
    let rows: number | null = null;
    if (step.kind === 'sql') {
      const store = stores.get(step.store)!;
      const values = { ...identities, now: ctx.clock.now() };
      if ('plan' in store) {
        rows = await store.plan(step, values);
      } else {
        const built = buildCountSql(step);
        const [row] = await store.query(built.text, resolveParams(built.params, values));
        rows = Number(row?.n ?? 0);
      }
      totals[label.action] = (totals[label.action] ?? 0) + rows;
    } else if (step.kind === 'keys' || step.kind === 'files') {
      const store = map.stores.find((s) => s.store === step.store)!;
      const connector = itemConnector(ctx, store);
      if (connector) rows = await connector.plan(step, { ...identities, now: ctx.clock.now() });
      if (rows !== null) totals[label.action] = (totals[label.action] ?? 0) + rows;
    }
    steps.push({ seq, kind: step.kind, ...label, rows });
  }
  return { userId: user.id, subject: user.subjectId, status: user.status, steps, totals, downstream: ctx.config.webhooks.map((w) => w.name) };
}
