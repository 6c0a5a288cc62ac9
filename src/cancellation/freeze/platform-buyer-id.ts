import type { Db } from '../../db/database.ts';

/**
 * The platform's own id of the buyer, sent with freeze notices so the platform's order system can
 * act without a lookup. The ONE place it is read: the `platform-id` work adds the column
 * (`users.external_id`); until then notices carry `externalId: null` and the pseudonymous
 * `subject` only.
 */
export async function platformBuyerId(_tx: Db, _userId: string): Promise<string | null> {
  return null;
}
