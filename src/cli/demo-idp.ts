import { parseArgs } from 'node:util';
import { DEMO_ACCOUNTS } from '../demo/demo-accounts.ts';
import { startDemoIdp, type DemoIdpAccount } from '../identity/demo-idp.ts';
import { onShutdown } from './startup.ts';

/** The client secret is fixed so the printed configuration stays valid across restarts (demo only). */
const DEMO_CLIENT_SECRET = 'demo-idp-client-secret';

/**
 * `adieu demo-idp`: a local OpenID Provider that knows the demo buyers (their login is their
 * key: ada, ben, cai; any password) and one buyer Adieu has never seen (dan), so the whole flow,
 * account linking included, can be tried on one machine.
 */
export async function demoIdpCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '4000' }, 'adieu-url': { type: 'string', default: 'http://127.0.0.1:3000' } }, strict: true });
  const port = Number(values.port);
  if (!(Number.isInteger(port) && port > 0 && port <= 65535)) throw new Error('--port: expected a port number');
  const accounts: Record<string, DemoIdpAccount> = { dan: { email: 'dan@example.com', email_verified: true, name: 'Dan Platform' } };
  for (const person of DEMO_ACCOUNTS.filter((p) => p.roles.includes('buyer'))) {
    accounts[person.key] = { email: person.email, email_verified: true, name: person.displayName, ...(person.phone ? { phone_number: person.phone, phone_number_verified: true } : {}) };
  }
  const adieuUrl = values['adieu-url'].replace(/\/+$/, '');
  const idp = await startDemoIdp({ adieuUrl, port, accounts, clientId: 'adieu', clientSecret: DEMO_CLIENT_SECRET });
  onShutdown(() => idp.close(), 5);
  const config = { identity: { local: true, oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, label: 'Demo IdP' } } };
  process.stdout.write(
    `Demo OpenID Provider on ${idp.issuer} (for ${adieuUrl}; development only: any password is accepted)\n` +
      `Logins: ${Object.keys(accounts).join(', ')} (ada, ben and cai already have Adieu accounts: linking asks for their Adieu password once)\n\n` +
      `Put this in the file named by ADIEU_CONFIG, then start Adieu:\n${JSON.stringify(config, null, 2)}\n`,
  );
}
