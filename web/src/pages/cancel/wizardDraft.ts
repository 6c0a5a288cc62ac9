import { newIdempotencyKey } from '../../api/client.ts';

/**
 * The cancellation wizard's answers, kept in this tab (sessionStorage) so that leaving to settle a
 * blocker and coming back does not lose them. No personal data: a reason code, the buyer's own
 * optional text (gone when the tab closes), document ids and the idempotency key.
 */
export interface WizardDraft {
  step: number;
  understood: boolean;
  reasonCode: string;
  reasonText: string;
  documentIds: string[];
  idempotencyKey: string;
}

const PREFIX = 'adieu.cancel.draft';
/** One draft per account: several people may use the same browser tab one after another. */
let owner = 'anonymous';
const key = () => `${PREFIX}:${owner}`;

export function setDraftOwner(userId: string | null | undefined): void {
  owner = userId ?? 'anonymous';
}

export const emptyDraft = (): WizardDraft => ({ step: 0, understood: false, reasonCode: '', reasonText: '', documentIds: [], idempotencyKey: newIdempotencyKey() });

export function loadDraft(): WizardDraft {
  try {
    const raw = sessionStorage.getItem(key());
    if (raw) return { ...emptyDraft(), ...(JSON.parse(raw) as Partial<WizardDraft>) };
  } catch {
    // Storage blocked or corrupted: start fresh.
  }
  return emptyDraft();
}

export function saveDraft(draft: WizardDraft): void {
  try {
    sessionStorage.setItem(key(), JSON.stringify(draft));
  } catch {
    // Private mode without storage: the wizard still works, it just forgets on reload.
  }
}

export function clearDraft(): void {
  try {
    sessionStorage.removeItem(key());
  } catch {
    // ignore
  }
}

/** Forgets every draft in this tab (signing out). */
export function clearAllDrafts(): void {
  try {
    for (let i = sessionStorage.length - 1; i >= 0; i--) {
      const name = sessionStorage.key(i);
      if (name?.startsWith(PREFIX)) sessionStorage.removeItem(name);
    }
  } catch {
    // ignore
  }
}

export function hasWizardDraft(): boolean {
  try {
    return sessionStorage.getItem(key()) !== null;
  } catch {
    return false;
  }
}
