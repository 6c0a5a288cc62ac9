import type { AppContext } from '../context.ts';
import type { Identifier } from '../domain/identifiers.ts';

/**
 * Whether an identifier of an erased account is still barred from re-registration
 * (`erasure.quarantineDays`). The erasure engine fills the quarantine; without it nothing is barred.
 */
export type QuarantineCheck = (ctx: AppContext, identifier: Identifier) => Promise<boolean>;

let check: QuarantineCheck = async () => false;

export function setQuarantineCheck(fn: QuarantineCheck): void {
  check = fn;
}

export function isQuarantined(ctx: AppContext, identifier: Identifier): Promise<boolean> {
  return check(ctx, identifier);
}
