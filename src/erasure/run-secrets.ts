import type { AppContext } from '../context.ts';
import type { Needle } from '../domain/erasure-scan.ts';
import { openRunSecrets } from './run-keys.ts';

/**
 * What a run must still know about the buyer after their key is gone: where to send the
 * certificate, and what the verification scan looks for. Sealed under the run's own key in
 * `erasure_runs.secrets_enc`, never in a job payload or log; the run destroys that key at the end.
 */
export interface RunSecrets {
  email: string | null;
  phone: string | null;
  /** The platform's id of the buyer: for steps reached by `external_id` and the webhook requests. */
  externalId?: string | null;
  /** Shown in the last mail, so the buyer can trust it even though the account is gone. */
  antiPhishingCode?: string | null;
  needles: Needle[];
}

/** The run's secrets, or null once the run's key is gone (the run finished with them). */
export async function loadRunSecrets(ctx: AppContext, run: { id: string; secretsEnc: string | null }): Promise<RunSecrets | null> {
  if (!run.secretsEnc) return null;
  return openRunSecrets<RunSecrets>(ctx, run.id, run.secretsEnc);
}
