import { generateSecret } from '../webhooks/standard-webhooks.ts';

/** `adieu secret webhook`: prints a fresh Standard Webhooks secret for a receiver or provider. */
export async function secretCommand(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== 'webhook') {
    process.stderr.write('Usage: adieu secret webhook\n');
    return 1;
  }
  process.stdout.write(`${generateSecret()}\n`);
  return 0;
}
