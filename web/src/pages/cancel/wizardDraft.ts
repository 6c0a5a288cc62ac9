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

const KEY = 'adieu.cancel.draft';

export const emptyDraft = (): WizardDraft => ({ step: 0, understood: false, reasonCode: '', reasonText: '', documentIds: [], idempotencyKey: newIdempotencyKey() });

export function loadDraft(): WizardDraft {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw) return { ...emptyDraft(), ...(JSON.parse(raw) as Partial<WizardDraft>) };
  } catch {
    // Storage blocked or corrupted: start fresh.
  }
  return emptyDraft();
}

export function saveDraft(draft: WizardDraft): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(draft));
  } catch {
    // Private mode without storage: the wizard still works, it just forgets on reload.
  }
}

export function clearDraft(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // ignore
  }
}

export function hasWizardDraft(): boolean {
  try {
    return sessionStorage.getItem(KEY) !== null;
  } catch {
    return false;
  }
}
