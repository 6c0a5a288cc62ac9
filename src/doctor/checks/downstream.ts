import type { Config } from '../../config/schema.ts';
import { probeProvider } from '../../eligibility/providers/probe-provider.ts';
import { pingReceiver } from '../../erasure/webhooks/ping.ts';
import { failure, ok, type CheckResult } from '../check-result.ts';

/** Each eligibility provider answers a signed probe (`{ "probe": true }`) as it answers a check. */
export async function checkProviders(config: Config): Promise<CheckResult[]> {
  return Promise.all(
    config.eligibility.providers.map(async (provider) => {
      const check = `provider ${provider.name}`;
      const outcome = await probeProvider(provider);
      if (outcome.ok) return ok(check, `answered the signed probe (HTTP ${outcome.status})`);
      const remedy =
        outcome.status === 401 || outcome.status === 403
          ? 'give the provider the same secret as eligibility.providers[].secret'
          : 'make the provider answer a signed POST { "probe": true } with 2xx { "blockers": [], "warnings": [] } (README: integrating); until then every cancellation is blocked';
      return failure(check, outcome.reason, remedy);
    }),
  );
}

/** Each erasure receiver answers a signed `adieu.ping` event with a 2xx; nothing is erased. */
export async function checkReceivers(config: Config): Promise<CheckResult[]> {
  return Promise.all(
    config.webhooks.map(async (hook) => {
      const check = `receiver ${hook.name}`;
      const outcome = await pingReceiver(hook, config.erasure.webhookTimeoutMs);
      if (outcome.ok) return ok(check, `answered the signed ping (HTTP ${outcome.status})`);
      const remedy =
        outcome.status === 401 || outcome.status === 403
          ? 'give the receiver the same secret as webhooks[].secret'
          : 'check webhooks[].url and that the receiver runs and answers events it does not act on (adieu.ping) with 2xx';
      return failure(check, outcome.reason, remedy);
    }),
  );
}
