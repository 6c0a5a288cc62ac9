import { join } from 'node:path';
import type { ForgetList } from './forget-list.ts';
import { FolderForgetList } from './folder-forget-list.ts';
import { PostgresForgetList } from './postgres-forget-list.ts';

/** Wherever the keys are (`keys.url`): the key database, or a `forget` folder beside the key files. */
export function openForgetList(options: { url?: string; dataDir: string }): ForgetList {
  const url = options.url;
  if (url && /^postgres(ql)?:\/\//.test(url)) return new PostgresForgetList(url);
  return new FolderForgetList(join(url ?? join(options.dataDir, 'keys'), 'forget'));
}
