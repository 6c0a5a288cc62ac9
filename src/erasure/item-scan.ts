import type { AppContext } from '../context.ts';
import type { DataMap } from '../domain/erasure-datamap.ts';
import type { Needle } from '../domain/erasure-scan.ts';
import { itemConnector } from './connectors/connector.ts';
import type { ParamValues } from './params.ts';
import type { ScanScope } from './scan.ts';

export interface ItemStoresScan {
  items: number;
  hits: Array<{ store: string; entry: string; needle: number; items: number }>;
}

/**
 * The verification scan of the stores of items (Redis keys, files): every item the entries match
 * — the subject's, or everyone's with `everything`; entries without a placeholder always whole —
 * read and searched for the needles.
 */
export async function scanItemStores(ctx: AppContext, map: DataMap, needles: Needle[], values: ParamValues, options: { scope: ScanScope; excludeSubject?: boolean }): Promise<ItemStoresScan> {
  const report: ItemStoresScan = { items: 0, hits: [] };
  if (needles.length === 0) return report;
  for (const store of map.stores) {
    if (!store.keys && !store.files) continue;
    const connector = itemConnector(ctx, store);
    if (!connector) throw new Error(`store ${store.store}: its URL names no key or file connector`);
    const found = await connector.scan(store, needles, values, options);
    report.items += found.items;
    for (const hit of found.hits) report.hits.push({ store: store.store, ...hit });
  }
  return report;
}
