import { createHash } from 'node:crypto';

/**
 * The file a part of the ZIP waits in until the ZIP is assembled: named by a hash of its path in
 * the ZIP, so a resumed job finds it again and the disk shows neither table nor buyer.
 */
export const partName = (zipPath: string): string => `part-${createHash('sha256').update(zipPath).digest('hex').slice(0, 24)}`;
